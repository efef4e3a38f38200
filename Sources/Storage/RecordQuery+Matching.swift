public import FleetModel

/// Record-by-record evaluation of a query, for backends that scan in memory.
/// SQL backends must give the same answers; the contract tests hold them to it.
extension RecordQuery {
    /// True when the fields every kind shares match.
    public func matchesCommon(agent recordAgent: AgentID, ts: NetworkTime, id: ConnID?) -> Bool {
        if let since, ts < since { return false }
        if let until, !(ts < until) { return false }
        if let agent, agent != recordAgent { return false }
        if let host {
            guard let id, host.contains(id.originatorHost) || host.contains(id.responderHost) else { return false }
        }
        if let port {
            guard let id, id.originatorPort == port || id.responderPort == port else { return false }
        }
        return true
    }

    /// True when `record` from `agent` matches (the query must be valid for conns).
    public func matches(_ record: ConnRecord, agent: AgentID) -> Bool {
        guard matchesCommon(agent: agent, ts: record.ts, id: record.id) else { return false }
        if let proto, record.proto != proto { return false }
        if let service, !record.service.contains(where: { $0.utf8.elementsEqual(service.utf8) }) { return false }
        if let minimumDuration {
            guard let duration = record.duration, duration >= minimumDuration else { return false }
        }
        return true
    }

    /// True when `record` from `agent` matches (the query must be valid for DNS).
    public func matches(_ record: DNSRecord, agent: AgentID) -> Bool {
        guard matchesCommon(agent: agent, ts: record.ts, id: record.id) else { return false }
        if let proto, record.proto != proto { return false }
        if let dnsQuerySuffix {
            guard let query = record.query, DNSName.name(query, hasSuffix: dnsQuerySuffix) else { return false }
        }
        return true
    }

    /// True when `record` from `agent` matches (the query must be valid for HTTP).
    public func matches(_ record: HTTPRecord, agent: AgentID) -> Bool {
        guard matchesCommon(agent: agent, ts: record.ts, id: record.id) else { return false }
        if let httpURISubstring {
            guard let uri = record.uri, Self.contains(uri, httpURISubstring) else { return false }
        }
        return true
    }

    /// True when `record` from `agent` matches (the query must be valid for SSL).
    public func matches(_ record: SSLRecord, agent: AgentID) -> Bool {
        matchesCommon(agent: agent, ts: record.ts, id: record.id)
    }

    /// True when `record` from `agent` matches (the query must be valid for weirds).
    public func matches(_ record: WeirdRecord, agent: AgentID) -> Bool {
        matchesCommon(agent: agent, ts: record.ts, id: record.id)
    }

    /// Byte-wise substring test (as SQL `instr` does), not Character-wise.
    static func contains(_ text: String, _ needle: String) -> Bool {
        let haystack = Array(text.utf8)
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty else { return true }
        guard pattern.count <= haystack.count else { return false }
        for start in 0...(haystack.count - pattern.count)
        where haystack[start..<(start + pattern.count)].elementsEqual(pattern) {
            return true
        }
        return false
    }
}

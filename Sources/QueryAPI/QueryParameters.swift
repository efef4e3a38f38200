public import FleetModel
public import Storage

/// Turns URL query parameters into store queries. Parameter names are the API contract that
/// `fleetctl` follows:
///
/// | name | meaning | kinds |
/// |---|---|---|
/// | `since`, `until` | time window: duration back from now (`1h`), RFC 3339 or epoch seconds | all |
/// | `agent` | agent id | all |
/// | `host` | address or CIDR, either side | all |
/// | `port` | port, either side | records |
/// | `proto` | `tcp`, `udp`, `icmp` | conn, dns |
/// | `service` | conn service name (`http`) | conn |
/// | `min_duration` | duration (`30s`) or seconds (`1.5`) | conn |
/// | `query` | DNS name, matching it and names below it | dns |
/// | `uri` | substring of the HTTP URI | http |
/// | `sort` | `time`, `time_desc`, `duration` (conn) | records |
/// | `severity` | minimum severity (`low`...`critical`) | anomalies |
/// | `detector` | detector id | anomalies |
/// | `limit` | most results returned | all |
///
/// Any other parameter, a parameter that does not apply to the kind, or a bad value is a 400
/// naming the parameter.
public enum QueryParameters {
    /// Default `limit` of record queries.
    public static let defaultRecordLimit = 10_000
    /// Default `limit` of anomaly queries.
    public static let defaultFindingLimit = 1_000

    /// The record query `parameters` ask for.
    /// - Throws: ``QueryAPIError`` (400) naming the parameter at fault.
    public static func recordQuery(
        _ parameters: [(name: String, value: String)], kind: RecordKind, now: NetworkTime
    ) throws(QueryAPIError) -> RecordQuery {
        var query = RecordQuery(limit: defaultRecordLimit)
        var seen = Set<String>()
        for (name, value) in parameters {
            guard seen.insert(name).inserted else { throw .badParameter(name, "\(name) given twice") }
            func reject(_ message: String) -> QueryAPIError { .badParameter(name, message) }
            func only(_ kinds: RecordKind...) throws(QueryAPIError) {
                guard kinds.contains(kind) else { throw reject("\(name) does not apply to \(kind.rawValue) records") }
            }
            switch name {
            case "since": query.since = try time(name, value, now: now)
            case "until": query.until = try time(name, value, now: now)
            case "agent": query.agent = try agent(name, value)
            case "host": query.host = try network(name, value)
            case "port":
                guard let port = UInt16(value) else { throw reject("port must be 0...65535, not \"\(value)\"") }
                query.port = port
            case "proto":
                try only(.conn, .dns)
                guard let proto = TransportProtocol(rawValue: value.lowercased()) else {
                    throw reject("proto must be tcp, udp or icmp, not \"\(value)\"")
                }
                query.proto = proto
            case "service":
                try only(.conn)
                guard !value.isEmpty else { throw reject("empty service") }
                query.service = value
            case "min_duration":
                try only(.conn)
                query.minimumDuration = try duration(name, value)
            case "query":
                try only(.dns)
                guard !DNSName.reversedKey(value).isEmpty else { throw reject("empty query name") }
                query.dnsQuerySuffix = value
            case "uri":
                try only(.http)
                guard !value.isEmpty else { throw reject("empty uri") }
                query.httpURISubstring = value
            case "sort":
                switch value {
                case "time": query.sort = .timeAscending
                case "time_desc": query.sort = .timeDescending
                case "duration":
                    try only(.conn)
                    query.sort = .durationDescending
                default: throw reject("sort must be time, time_desc or duration, not \"\(value)\"")
                }
            case "limit": query.limit = try limit(name, value, maximum: RecordQuery.maximumLimit)
            default: throw reject("unknown parameter \(name)")
            }
        }
        if let since = query.since, let until = query.until, until <= since {
            throw .badParameter("until", "until must be after since")
        }
        do {
            try query.validate(for: kind)
        } catch {
            throw QueryAPIError.badRequest(error.message)
        }
        return query
    }

    /// The findings query `parameters` ask for.
    /// - Throws: ``QueryAPIError`` (400) naming the parameter at fault.
    public static func findingQuery(
        _ parameters: [(name: String, value: String)], now: NetworkTime
    ) throws(QueryAPIError) -> FindingQuery {
        var query = FindingQuery(limit: defaultFindingLimit)
        var seen = Set<String>()
        for (name, value) in parameters {
            guard seen.insert(name).inserted else { throw .badParameter(name, "\(name) given twice") }
            switch name {
            case "since": query.since = try time(name, value, now: now)
            case "until": query.until = try time(name, value, now: now)
            case "agent": query.agent = try agent(name, value)
            case "host": query.host = try network(name, value)
            case "severity":
                guard let severity = Severity(rawValue: value.lowercased()) else {
                    let names = Severity.allCases.map(\.rawValue).joined(separator: ", ")
                    throw .badParameter(name, "severity must be one of \(names), not \"\(value)\"")
                }
                query.minimumSeverity = severity
            case "detector":
                guard !value.isEmpty else { throw .badParameter(name, "empty detector") }
                query.detector = value
            case "limit": query.limit = try limit(name, value, maximum: FindingQuery.maximumLimit)
            default: throw .badParameter(name, "unknown parameter \(name)")
            }
        }
        if let since = query.since, let until = query.until, until <= since {
            throw .badParameter("until", "until must be after since")
        }
        return query
    }

    /// Agents take no filters but `agent`.
    public static func agentFilter(_ parameters: [(name: String, value: String)]) throws(QueryAPIError) -> AgentID? {
        var result: AgentID?
        for (name, value) in parameters {
            guard name == "agent", result == nil else { throw .badParameter(name, "unknown parameter \(name)") }
            result = try agent(name, value)
        }
        return result
    }

    private static func time(_ name: String, _ value: String, now: NetworkTime) throws(QueryAPIError) -> NetworkTime {
        do {
            return try QueryTime.parse(value, now: now)
        } catch {
            throw .badParameter(name, "\(name): \(error)")
        }
    }

    private static func duration(_ name: String, _ value: String) throws(QueryAPIError) -> NetworkDuration {
        if let duration = QueryTime.duration(value) { return duration }
        if let seconds = Double(value), seconds >= 0, seconds < 1e9 {
            return NetworkDuration(microseconds: Int64((seconds * 1_000_000).rounded()))
        }
        throw .badParameter(name, "\(name) must be a duration (30s, 5m) or seconds, not \"\(value)\"")
    }

    private static func agent(_ name: String, _ value: String) throws(QueryAPIError) -> AgentID {
        guard !value.isEmpty, value.utf8.count <= 256 else { throw .badParameter(name, "bad agent id") }
        return AgentID(value)
    }

    private static func network(_ name: String, _ value: String) throws(QueryAPIError) -> IPNetwork {
        guard let network = IPNetwork(value) else {
            throw .badParameter(name, "\(name) must be an address or CIDR, not \"\(value)\"")
        }
        return network
    }

    private static func limit(_ name: String, _ value: String, maximum: Int) throws(QueryAPIError) -> Int {
        guard let limit = Int(value), limit >= 1, limit <= maximum else {
            throw .badParameter(name, "limit must be 1...\(maximum), not \"\(value)\"")
        }
        return limit
    }
}

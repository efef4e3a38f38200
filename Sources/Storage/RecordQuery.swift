public import FleetModel

/// The kinds of record a ``FlowStore`` keeps and answers queries for.
public enum RecordKind: String, Sendable, Hashable, Codable, CaseIterable {
    case conn, dns, http, ssl, weird
}

/// Result order.
public enum RecordSort: String, Sendable, Hashable, Codable {
    /// Oldest `ts` first (ties: ingestion order).
    case timeAscending
    /// Newest `ts` first (ties: reverse ingestion order).
    case timeDescending
    /// Conns only: longest `duration` first; conns without a duration last (ties: oldest first).
    case durationDescending
}

/// Filters for a record query. Every filter that is set must match (AND).
///
/// Filters that only make sense for one record kind (``service``, ``minimumDuration``,
/// ``dnsQuerySuffix``, ``httpURISubstring``, ``RecordSort/durationDescending``; ``proto`` for kinds
/// without a protocol field) make a query for another kind fail with ``StorageError/invalidQuery``
/// rather than being silently ignored.
public struct RecordQuery: Sendable, Hashable {
    /// Largest allowed ``limit``.
    public static let maximumLimit = 1_000_000

    /// Keep records with `ts >= since`.
    public var since: NetworkTime?
    /// Keep records with `ts < until`.
    public var until: NetworkTime?
    /// Keep records shipped by this agent.
    public var agent: AgentID?
    /// Keep records whose originator or responder address is in this network (a host is a /32 or /128).
    /// Weirds without endpoints never match.
    public var host: IPNetwork?
    /// Keep records whose originator or responder port is this one.
    public var port: UInt16?
    /// Conn and DNS: keep records of this transport protocol.
    public var proto: TransportProtocol?
    /// Conn: keep conns whose `service` list contains this name (exact, e.g. `http`).
    public var service: String?
    /// DNS: keep queries for this name or any name below it (`example.com` matches
    /// `example.com` and `www.example.com`, not `badexample.com`); ASCII case-insensitive,
    /// a trailing or leading dot is ignored.
    public var dnsQuerySuffix: String?
    /// HTTP: keep requests whose `uri` contains this text (case-sensitive).
    public var httpURISubstring: String?
    /// Conn: keep conns whose duration is at least this long (conns without a duration never match).
    public var minimumDuration: NetworkDuration?
    /// Result order.
    public var sort: RecordSort
    /// At most this many records are returned (1...``maximumLimit``).
    public var limit: Int

    /// Creates a query; everything unset matches all records.
    public init(
        since: NetworkTime? = nil, until: NetworkTime? = nil, agent: AgentID? = nil, host: IPNetwork? = nil,
        port: UInt16? = nil, proto: TransportProtocol? = nil, service: String? = nil,
        dnsQuerySuffix: String? = nil, httpURISubstring: String? = nil, minimumDuration: NetworkDuration? = nil,
        sort: RecordSort = .timeAscending, limit: Int = 10_000
    ) {
        self.since = since
        self.until = until
        self.agent = agent
        self.host = host
        self.port = port
        self.proto = proto
        self.service = service
        self.dnsQuerySuffix = dnsQuerySuffix
        self.httpURISubstring = httpURISubstring
        self.minimumDuration = minimumDuration
        self.sort = sort
        self.limit = limit
    }

    /// Checks that every filter applies to `kind` and values are in range.
    /// - Throws: ``StorageError/invalidQuery`` naming the first offending field.
    public func validate(for kind: RecordKind) throws(StorageError) {
        func reject(_ field: String) -> StorageError {
            StorageError.invalidQuery.with(message: "\(field) does not apply to \(kind.rawValue) records")
        }
        guard limit >= 1, limit <= Self.maximumLimit else {
            throw StorageError.invalidQuery.with(message: "limit \(limit) outside 1...\(Self.maximumLimit)")
        }
        if proto != nil, kind != .conn, kind != .dns { throw reject("proto") }
        if service != nil, kind != .conn { throw reject("service") }
        if minimumDuration != nil, kind != .conn { throw reject("minimumDuration") }
        if sort == .durationDescending, kind != .conn { throw reject("sort durationDescending") }
        if dnsQuerySuffix != nil, kind != .dns { throw reject("dnsQuerySuffix") }
        if httpURISubstring != nil, kind != .http { throw reject("httpURISubstring") }
        if let suffix = dnsQuerySuffix, DNSName.reversedKey(suffix).isEmpty {
            throw StorageError.invalidQuery.with(message: "empty dnsQuerySuffix")
        }
        if let text = httpURISubstring, text.isEmpty {
            throw StorageError.invalidQuery.with(message: "empty httpURISubstring")
        }
    }
}

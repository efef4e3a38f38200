public import FleetModel

/// Filters for a findings query. Every filter that is set must match (AND).
public struct FindingQuery: Sendable, Hashable {
    /// Largest allowed ``limit``.
    public static let maximumLimit = 100_000

    /// Keep findings last seen at or after this time (`lastSeen >= since`): an incident that is still
    /// going on stays visible however long ago it started.
    public var since: NetworkTime?
    /// Keep findings first seen before this time (`firstSeen < until`).
    public var until: NetworkTime?
    /// Keep findings produced from this agent's records.
    public var agent: AgentID?
    /// Keep findings at or above this severity.
    public var minimumSeverity: Severity?
    /// Keep findings of this detector (e.g. `injection-callback`).
    public var detector: String?
    /// Keep findings whose host or any indicator address is in this network.
    public var host: IPNetwork?
    /// At most this many findings are returned (1...``maximumLimit``).
    public var limit: Int

    /// Creates a query; everything unset matches all findings.
    public init(
        since: NetworkTime? = nil, until: NetworkTime? = nil, agent: AgentID? = nil,
        minimumSeverity: Severity? = nil, detector: String? = nil, host: IPNetwork? = nil, limit: Int = 1_000
    ) {
        self.since = since
        self.until = until
        self.agent = agent
        self.minimumSeverity = minimumSeverity
        self.detector = detector
        self.host = host
        self.limit = limit
    }

    /// Checks that values are in range.
    /// - Throws: ``StorageError/invalidQuery``.
    public func validate() throws(StorageError) {
        guard limit >= 1, limit <= Self.maximumLimit else {
            throw StorageError.invalidQuery.with(message: "limit \(limit) outside 1...\(Self.maximumLimit)")
        }
        if let detector, detector.isEmpty { throw StorageError.invalidQuery.with(message: "empty detector") }
    }

    /// Whether `finding` passes every filter.
    public func matches(_ finding: Finding) -> Bool {
        if let since, finding.lastSeen < since { return false }
        if let until, finding.firstSeen >= until { return false }
        if let agent, finding.agentID != agent.rawValue { return false }
        if let minimumSeverity, finding.severity < minimumSeverity { return false }
        if let detector, finding.detector != detector { return false }
        if let host {
            let addresses = (finding.host.map { [$0] } ?? []) + finding.indicators.addresses
            if !addresses.contains(where: { host.contains($0) }) { return false }
        }
        return true
    }

    /// Result order: most severe first, then most recently seen, then id.
    public static func precedes(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
        if lhs.lastSeen != rhs.lastSeen { return lhs.lastSeen > rhs.lastSeen }
        return lhs.id < rhs.id
    }
}

/// Where findings live, so that they survive restarts and every query front end sees the same ones.
///
/// Findings are keyed by ``Finding/id``. ``upsertFindings(_:)`` merges an incoming finding into a
/// stored one with the same id (``Finding/merge(_:)``), so several writers (aggregators sharing one
/// database, or one aggregator after a restart) converge on one finding per incident.
///
/// Every method may be called concurrently from any task.
public protocol FindingStore: Sendable {
    /// Inserts new findings and merges the rest into the stored ones, in one transaction.
    func upsertFindings(_ findings: [Finding]) async throws

    /// Findings matching `query`, ordered by ``FindingQuery/precedes(_:_:)``.
    /// - Throws: ``StorageError/invalidQuery`` for an out-of-range query.
    func findings(_ query: FindingQuery) async throws -> [Finding]
}

public import FleetModel

/// A ``FlowStore`` that keeps everything in memory: for tests, demos and as the reference the
/// SQL backends are checked against. Queries scan every record.
///
/// An actor: every call is serialized, so each ingest is atomic.
public actor InMemoryFlowStore: FlowStore, FindingStore {
    /// A record with its agent and ingestion order (the tie-breaker for sorting).
    struct Entry<Record: Sendable & Hashable>: Sendable {
        var order: UInt64
        var agent: AgentID
        var record: Record
    }

    private struct ConnKey: Hashable {
        var agent: AgentID
        var uid: String
    }

    private var nextOrder: UInt64 = 0
    private var connsByKey: [ConnKey: Entry<ConnRecord>] = [:]
    private var dnsEntries: [Entry<DNSRecord>] = []
    private var httpEntries: [Entry<HTTPRecord>] = []
    private var sslEntries: [Entry<SSLRecord>] = []
    private var weirdEntries: [Entry<WeirdRecord>] = []
    private var registry: [AgentID: AgentInfo] = [:]
    private var findingsByID: [String: Finding] = [:]

    /// An empty store.
    public init() {}

    public func migrate() async throws {}

    public func ingest(_ batch: IngestBatch) async throws -> IngestResult {
        var info = registry[batch.agent] ?? Self.blankAgent(batch.agent, seenAt: batch.receivedAt)
        info.firstSeen = min(info.firstSeen, batch.receivedAt)
        info.lastSeen = max(info.lastSeen, batch.receivedAt)
        let decision = try SequenceDecision.decide(lastCommitted: info.lastSequence, incoming: batch.sequence)
        switch decision {
        case .duplicate(let last):
            info.counters.duplicateBatches += 1
            registry[batch.agent] = info
            return .duplicate(lastCommitted: last)
        case .apply(let gap):
            store(batch.records, agent: batch.agent)
            let count = batch.records.count
            info.lastSequence = batch.sequence
            info.counters.batches += 1
            info.counters.records += UInt64(count)
            info.counters.packets &+= batch.stats.packets
            info.counters.drops &+= batch.stats.drops
            info.counters.missedBatches += gap?.missingCount ?? 0
            registry[batch.agent] = info
            return .stored(count: count, gap: gap)
        }
    }

    private func store(_ records: RecordBatch, agent: AgentID) {
        for conn in records.conns {
            let key = ConnKey(agent: agent, uid: conn.uid)
            if var existing = connsByKey[key] {
                // A final record is never replaced by an interim one; otherwise the newer wins.
                if existing.record.interim || !conn.interim {
                    existing.record = conn
                    connsByKey[key] = existing
                }
            } else {
                connsByKey[key] = Entry(order: takeOrder(), agent: agent, record: conn)
            }
        }
        for record in records.dns { dnsEntries.append(Entry(order: takeOrder(), agent: agent, record: record)) }
        for record in records.http { httpEntries.append(Entry(order: takeOrder(), agent: agent, record: record)) }
        for record in records.ssl { sslEntries.append(Entry(order: takeOrder(), agent: agent, record: record)) }
        for record in records.weirds { weirdEntries.append(Entry(order: takeOrder(), agent: agent, record: record)) }
    }

    private func takeOrder() -> UInt64 {
        nextOrder += 1
        return nextOrder
    }

    public func lastCommittedSequence(for agent: AgentID) async throws -> UInt64 {
        registry[agent]?.lastSequence ?? 0
    }

    public func upsertAgent(_ registration: AgentRegistration) async throws {
        var info = registry[registration.id] ?? Self.blankAgent(registration.id, seenAt: registration.seenAt)
        info.hostname = registration.hostname
        info.addresses = registration.addresses
        info.vpcCIDRs = registration.vpcCIDRs
        info.version = registration.version
        info.firstSeen = min(info.firstSeen, registration.seenAt)
        info.lastSeen = max(info.lastSeen, registration.seenAt)
        registry[registration.id] = info
    }

    public func agents() async throws -> [AgentInfo] {
        registry.values.sorted { $0.id < $1.id }
    }

    public func agent(_ id: AgentID) async throws -> AgentInfo? {
        registry[id]
    }

    public func conns(_ query: RecordQuery) async throws -> [StoredRecord<ConnRecord>] {
        try query.validate(for: .conn)
        let matching = connsByKey.values.filter { query.matches($0.record, agent: $0.agent) }
        return Self.ordered(matching, query: query, ts: \.ts, duration: \.duration)
    }

    public func dns(_ query: RecordQuery) async throws -> [StoredRecord<DNSRecord>] {
        try query.validate(for: .dns)
        let matching = dnsEntries.filter { query.matches($0.record, agent: $0.agent) }
        return Self.ordered(matching, query: query, ts: \.ts, duration: nil)
    }

    public func http(_ query: RecordQuery) async throws -> [StoredRecord<HTTPRecord>] {
        try query.validate(for: .http)
        let matching = httpEntries.filter { query.matches($0.record, agent: $0.agent) }
        return Self.ordered(matching, query: query, ts: \.ts, duration: nil)
    }

    public func ssl(_ query: RecordQuery) async throws -> [StoredRecord<SSLRecord>] {
        try query.validate(for: .ssl)
        let matching = sslEntries.filter { query.matches($0.record, agent: $0.agent) }
        return Self.ordered(matching, query: query, ts: \.ts, duration: nil)
    }

    public func weirds(_ query: RecordQuery) async throws -> [StoredRecord<WeirdRecord>] {
        try query.validate(for: .weird)
        let matching = weirdEntries.filter { query.matches($0.record, agent: $0.agent) }
        return Self.ordered(matching, query: query, ts: \.ts, duration: nil)
    }

    @discardableResult
    public func deleteOlderThan(_ time: NetworkTime) async throws -> Int {
        var deleted = 0
        for (key, entry) in connsByKey where entry.record.ts < time {
            connsByKey[key] = nil
            deleted += 1
        }
        deleted += dnsEntries.count
        dnsEntries.removeAll { $0.record.ts < time }
        deleted -= dnsEntries.count
        deleted += httpEntries.count
        httpEntries.removeAll { $0.record.ts < time }
        deleted -= httpEntries.count
        deleted += sslEntries.count
        sslEntries.removeAll { $0.record.ts < time }
        deleted -= sslEntries.count
        deleted += weirdEntries.count
        weirdEntries.removeAll { $0.record.ts < time }
        deleted -= weirdEntries.count
        return deleted
    }

    public func upsertFindings(_ findings: [Finding]) async throws {
        for finding in findings {
            if var existing = findingsByID[finding.id] {
                existing.merge(finding)
                findingsByID[finding.id] = existing
            } else {
                findingsByID[finding.id] = finding
            }
        }
    }

    public func findings(_ query: FindingQuery) async throws -> [Finding] {
        try query.validate()
        let matching = findingsByID.values.filter { query.matches($0) }
        return Array(matching.sorted(by: FindingQuery.precedes).prefix(query.limit))
    }

    private static func blankAgent(_ id: AgentID, seenAt: NetworkTime) -> AgentInfo {
        AgentInfo(
            id: id, hostname: "", addresses: [], vpcCIDRs: [], version: "", firstSeen: seenAt, lastSeen: seenAt,
            lastSequence: 0, counters: AgentCounters()
        )
    }

    /// Sorts by the query's order (ties by ingestion order) and applies the limit.
    private static func ordered<Record>(
        _ entries: [Entry<Record>], query: RecordQuery, ts: KeyPath<Record, NetworkTime>,
        duration: KeyPath<Record, NetworkDuration?>?
    ) -> [StoredRecord<Record>] {
        let sorted: [Entry<Record>]
        switch query.sort {
        case .timeAscending:
            sorted = entries.sorted { ($0.record[keyPath: ts], $0.order) < ($1.record[keyPath: ts], $1.order) }
        case .timeDescending:
            sorted = entries.sorted { ($0.record[keyPath: ts], $0.order) > ($1.record[keyPath: ts], $1.order) }
        case .durationDescending:
            // Valid for conns only (validated); longest first, missing durations last, then oldest first.
            sorted = entries.sorted { lhs, rhs in
                let left = duration.flatMap { lhs.record[keyPath: $0] }?.microseconds ?? Int64.min
                let right = duration.flatMap { rhs.record[keyPath: $0] }?.microseconds ?? Int64.min
                if left != right { return left > right }
                return (lhs.record[keyPath: ts], lhs.order) < (rhs.record[keyPath: ts], rhs.order)
            }
        }
        return sorted.prefix(query.limit).map { StoredRecord(agent: $0.agent, record: $0.record) }
    }
}

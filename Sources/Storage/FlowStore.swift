public import FleetModel

/// Where the aggregator keeps records and the agent registry. Backend-neutral: SQLite and the
/// in-memory store implement it today, PostgreSQL later, and one contract test suite runs against each.
///
/// Exactly-once: ``ingest(_:)`` commits a batch's records, the agent's counters and its last
/// sequence number in one transaction, so a batch is either fully stored and counted or not at all,
/// and a replayed batch (sequence at or below the last committed one) is acknowledged without
/// storing anything.
///
/// Conn records are keyed by (agent, uid): an interim record is replaced by a later record of the
/// same uid, and a final record is never replaced by an interim one.
///
/// Every method may be called concurrently from any task.
public protocol FlowStore: Sendable {
    /// Creates or upgrades the schema. Idempotent; call once before anything else.
    /// - Throws: ``StorageError/database`` when the backend fails.
    func migrate() async throws

    /// Stores one batch exactly once.
    /// - Returns: ``IngestResult/stored(count:gap:)`` or ``IngestResult/duplicate(lastCommitted:)``.
    /// - Throws: ``StorageError/invalidSequence`` for sequence 0 or above
    ///   ``SequenceDecision/maximumSequence``; ``StorageError/database`` (nothing was stored).
    func ingest(_ batch: IngestBatch) async throws -> IngestResult

    /// Stores several batches (from any agents) exactly once each, in order, as one group commit
    /// where the backend can: each batch is applied as if by ``ingest(_:)`` in turn (so two batches
    /// of one agent see each other's sequence), one failing batch does not fail the others, and
    /// no result is returned before the whole group is durable.
    ///
    /// A default implementation calls ``ingest(_:)`` for each batch.
    /// - Returns: one result per batch, in order.
    func ingest(contentsOf batches: [IngestBatch]) async -> [Result<IngestResult, any Error>]

    /// The agent's last committed sequence number (0 when it has none): where a reconnecting agent resumes.
    func lastCommittedSequence(for agent: AgentID) async throws -> UInt64

    /// Adds an agent to the registry or updates its identity fields; counters and sequence are kept.
    /// `firstSeen`/`lastSeen` widen to include `registration.seenAt`.
    func upsertAgent(_ registration: AgentRegistration) async throws

    /// Every known agent, ordered by id.
    func agents() async throws -> [AgentInfo]

    /// One agent, or nil when unknown.
    func agent(_ id: AgentID) async throws -> AgentInfo?

    /// Conn records (latest version per uid) matching `query`.
    /// - Throws: ``StorageError/invalidQuery`` when a filter does not apply to conns.
    func conns(_ query: RecordQuery) async throws -> [StoredRecord<ConnRecord>]

    /// DNS records matching `query`.
    func dns(_ query: RecordQuery) async throws -> [StoredRecord<DNSRecord>]

    /// HTTP records matching `query`.
    func http(_ query: RecordQuery) async throws -> [StoredRecord<HTTPRecord>]

    /// SSL records matching `query`.
    func ssl(_ query: RecordQuery) async throws -> [StoredRecord<SSLRecord>]

    /// Weird records matching `query`.
    func weirds(_ query: RecordQuery) async throws -> [StoredRecord<WeirdRecord>]

    /// Retention: deletes every record whose `ts` is before `time` (agents and sequences are kept).
    /// - Returns: how many records were deleted.
    @discardableResult
    func deleteOlderThan(_ time: NetworkTime) async throws -> Int
}

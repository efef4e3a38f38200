public import FleetModel

/// One batch as an agent ships it: who sent it, its place in the agent's sequence, the records
/// and the agent's counters for the interval the batch covers.
public struct IngestBatch: Sendable, Hashable {
    /// The sending agent.
    public var agent: AgentID
    /// The agent's batch sequence number: 1 for its first batch, then +1 per batch.
    /// The agent must keep counting across reconnects (and restarts) for exactly-once to hold.
    public var sequence: UInt64
    /// When the aggregator received the batch (sets the agent's last-seen time).
    public var receivedAt: NetworkTime
    /// The records.
    public var records: RecordBatch
    /// Agent counters accumulated since the previous batch.
    public var stats: AgentStats

    /// Creates a batch.
    public init(
        agent: AgentID, sequence: UInt64, receivedAt: NetworkTime, records: RecordBatch,
        stats: AgentStats = AgentStats()
    ) {
        self.agent = agent
        self.sequence = sequence
        self.receivedAt = receivedAt
        self.records = records
        self.stats = stats
    }
}

/// Capture counters an agent reports with each batch, as deltas since its previous batch.
///
/// Deltas are safe to add up because a duplicate batch is never applied twice.
public struct AgentStats: Sendable, Hashable, Codable {
    /// Packets the agent's capture received.
    public var packets: UInt64
    /// Packets the kernel or capture library dropped.
    public var drops: UInt64

    /// Creates counters (zero by default).
    public init(packets: UInt64 = 0, drops: UInt64 = 0) {
        self.packets = packets
        self.drops = drops
    }
}

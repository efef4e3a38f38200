/// A record as the store returns it: the record plus the agent that shipped it.
public struct StoredRecord<Record: Sendable & Hashable>: Sendable, Hashable {
    /// The agent whose batch carried the record.
    public var agent: AgentID
    /// The record, field for field as ingested (for conns: the latest version of its uid).
    public var record: Record

    /// Pairs a record with its agent.
    public init(agent: AgentID, record: Record) {
        self.agent = agent
        self.record = record
    }
}

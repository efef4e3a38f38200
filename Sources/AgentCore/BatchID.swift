/// Identifies one shipped batch: the agent and the batch's sequence number.
///
/// Sequence numbers start at 1, grow by one per batch and are never reused by an agent (see
/// `DeliveryLedger.Action.reserveSequences`); gaps appear when the spool drops batches. The
/// aggregator stores a batch at most once per (agent, sequence).
public struct BatchID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var agent: String
    public var sequence: UInt64

    public init(agent: String, sequence: UInt64) {
        self.agent = agent
        self.sequence = sequence
    }

    public static func < (lhs: BatchID, rhs: BatchID) -> Bool {
        (lhs.agent, lhs.sequence) < (rhs.agent, rhs.sequence)
    }

    public var description: String { "\(agent)#\(sequence)" }
}

/// The exactly-once rule, shared by every backend: what to do with a batch given the agent's
/// last committed sequence number.
public enum SequenceDecision: Sendable, Hashable {
    /// Store the batch; `gap` says which sequence numbers were skipped, if any.
    case apply(gap: SequenceGap?)
    /// Already committed: acknowledge without storing.
    case duplicate(lastCommitted: UInt64)

    /// The largest sequence number a backend must accept (fits a signed 64-bit SQL integer).
    public static let maximumSequence = UInt64(Int64.max)

    /// Decides what to do with `incoming` after `lastCommitted` (0 when the agent has none).
    /// - Throws: ``StorageError/invalidSequence`` for 0 or a number above ``maximumSequence``.
    public static func decide(lastCommitted: UInt64, incoming: UInt64) throws(StorageError) -> SequenceDecision {
        guard incoming >= 1, incoming <= maximumSequence else {
            throw StorageError.invalidSequence.with(message: "sequence \(incoming) outside 1...\(maximumSequence)")
        }
        if incoming <= lastCommitted {
            return .duplicate(lastCommitted: lastCommitted)
        }
        if incoming == lastCommitted + 1 {
            return .apply(gap: nil)
        }
        return .apply(gap: SequenceGap(firstMissing: lastCommitted + 1, lastMissing: incoming - 1))
    }
}

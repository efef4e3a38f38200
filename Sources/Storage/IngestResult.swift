/// What ``FlowStore/ingest(_:)`` did with a batch.
public enum IngestResult: Sendable, Hashable {
    /// The batch was committed with its records. `gap` is set when sequence numbers were skipped
    /// since the last committed batch (the caller logs it; the batch is stored anyway).
    case stored(count: Int, gap: SequenceGap?)
    /// The batch's sequence number was already committed (a replay after reconnect): nothing was
    /// stored, and the caller should acknowledge it as done.
    case duplicate(lastCommitted: UInt64)

    /// Number of records stored (0 for a duplicate).
    public var storedCount: Int {
        if case .stored(let count, _) = self { return count }
        return 0
    }

    /// The skipped range, if any.
    public var gap: SequenceGap? {
        if case .stored(_, let gap) = self { return gap }
        return nil
    }

    /// True for a duplicate batch.
    public var isDuplicate: Bool {
        if case .duplicate = self { return true }
        return false
    }
}

/// Sequence numbers that never arrived between the last committed batch and the one just stored.
public struct SequenceGap: Sendable, Hashable, Codable {
    /// The first missing sequence number (last committed + 1).
    public var firstMissing: UInt64
    /// The last missing sequence number (the stored batch's sequence - 1).
    public var lastMissing: UInt64

    /// Creates a gap; `firstMissing <= lastMissing`.
    public init(firstMissing: UInt64, lastMissing: UInt64) {
        self.firstMissing = firstMissing
        self.lastMissing = lastMissing
    }

    /// How many batches are missing.
    public var missingCount: UInt64 { lastMissing - firstMissing + 1 }
}

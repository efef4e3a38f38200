public import FleetModel

/// The committed batches of a store that several aggregators share, in commit order, for the one
/// aggregator that runs fleet-wide detection at a time.
///
/// A store with a feed appends every stored batch to it in the ingest transaction, so the feed
/// holds exactly the committed batches (a duplicate delivery adds nothing). The detecting
/// aggregator holds the fleet's *detection lease*; the others stand by and take the lease over
/// when its holder goes away. The lease's cursor (the last position whose findings are written)
/// is kept in the store, so a new holder continues where the previous one stopped.
public protocol DetectionFeed: Sendable {
    /// Calls `body` while this process holds the fleet's detection lease; returns false at once,
    /// without calling `body`, when another process holds it. The lease ends when `body` returns
    /// or throws, or when the process or its database session ends.
    func withDetectionLease(_ body: (any DetectionFeedLease) async throws -> Void) async throws -> Bool
}

/// What the holder of the detection lease can do (valid only inside ``DetectionFeed/withDetectionLease(_:)``).
public protocol DetectionFeedLease {
    /// The position up to which findings are written (0 before any).
    func cursor() async throws -> Int64

    /// Entries after `position`, oldest first, at most `limit`.
    /// - Throws: the store's error; an entry that cannot be decoded is returned as ``DetectionFeedEntry/undecodable``.
    func entries(after position: Int64, limit: Int) async throws -> [DetectionFeedEntry]

    /// The first position whose batch was received at or after `time` (for rebuilding recent state), or nil
    /// when there is none.
    func firstPosition(receivedSince time: NetworkTime) async throws -> Int64?

    /// Records that findings are written up to `position`, and drops entries at or below it that were
    /// received before `keepSince` (the rest are kept for a future holder's rebuild).
    func advance(to position: Int64, keepSince: NetworkTime) async throws
}

/// One committed batch in the feed.
public struct DetectionFeedEntry: Sendable {
    /// Position in commit order (increasing, with gaps).
    public var position: Int64
    /// The batch, or nil when the stored bytes could not be decoded (counted by the reader, skipped).
    public var batch: IngestBatch?

    /// Creates an entry.
    public init(position: Int64, batch: IngestBatch?) {
        self.position = position
        self.batch = batch
    }
}

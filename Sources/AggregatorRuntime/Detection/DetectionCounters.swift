import Synchronization

/// Counters of a ``DetectionService``, readable from any thread while it runs.
///
/// `@unchecked Sendable` is not needed: every field is an `Atomic`.
public final class DetectionCounters: Sendable {
    let batchesQueued = Atomic<UInt64>(0)
    let batchesDropped = Atomic<UInt64>(0)
    let recordsDropped = Atomic<UInt64>(0)
    let batchesEvaluated = Atomic<UInt64>(0)
    let findingsChanged = Atomic<UInt64>(0)
    let findingsWritten = Atomic<UInt64>(0)
    let storeFailures = Atomic<UInt64>(0)
    let ticks = Atomic<UInt64>(0)
    let findingsUnwritten = Atomic<UInt64>(0)
    let leader = Atomic<UInt64>(0)
    let leaseTerms = Atomic<UInt64>(0)
    let feedPosition = Atomic<UInt64>(0)
    let feedUndecodable = Atomic<UInt64>(0)

    /// Creates zeroed counters.
    public init() {}

    /// A consistent-enough copy of every counter.
    public var snapshot: Snapshot {
        Snapshot(
            batchesQueued: batchesQueued.load(ordering: .relaxed),
            batchesDropped: batchesDropped.load(ordering: .relaxed),
            recordsDropped: recordsDropped.load(ordering: .relaxed),
            batchesEvaluated: batchesEvaluated.load(ordering: .sequentiallyConsistent),
            findingsChanged: findingsChanged.load(ordering: .relaxed),
            findingsWritten: findingsWritten.load(ordering: .relaxed),
            storeFailures: storeFailures.load(ordering: .relaxed),
            ticks: ticks.load(ordering: .relaxed),
            findingsUnwritten: findingsUnwritten.load(ordering: .sequentiallyConsistent),
            leader: leader.load(ordering: .relaxed),
            leaseTerms: leaseTerms.load(ordering: .relaxed),
            feedPosition: feedPosition.load(ordering: .relaxed),
            feedUndecodable: feedUndecodable.load(ordering: .relaxed))
    }

    /// Plain values of the counters.
    public struct Snapshot: Sendable, Hashable {
        /// Committed batches accepted into the detection queue.
        public var batchesQueued: UInt64
        /// Committed batches not evaluated because the queue was full (their records are stored, not judged).
        public var batchesDropped: UInt64
        /// Records in the dropped batches.
        public var recordsDropped: UInt64
        /// Batches run through the detectors.
        public var batchesEvaluated: UInt64
        /// Findings created or changed by the engine (before coalescing per id).
        public var findingsChanged: UInt64
        /// Findings written to the finding store (after coalescing).
        public var findingsWritten: UInt64
        /// Failed finding-store writes (the findings are kept and written on the next attempt).
        public var storeFailures: UInt64
        /// Timer ticks handled.
        public var ticks: UInt64
        /// Changed findings waiting to be written (a gauge). Updated before ``batchesEvaluated``, so once
        /// every stored batch is evaluated and this is 0, their findings are queryable.
        public var findingsUnwritten: UInt64
        /// Shared store only: 1 while this aggregator holds the detection lease (``DetectionLeader``), else 0.
        public var leader: UInt64
        /// Shared store only: detection-lease terms this aggregator started.
        public var leaseTerms: UInt64
        /// Shared store only: the last detection-feed position evaluated.
        public var feedPosition: UInt64
        /// Shared store only: feed entries that could not be decoded (skipped).
        public var feedUndecodable: UInt64
    }
}

import FleetModel
import Synchronization
public import Storage

/// Group commit for the ingest server: sessions hand their batches to one writer, which commits
/// whatever is queued as one ``FlowStore/ingest(contentsOf:)`` call (one transaction in SQLite)
/// and answers each session only after that commit.
///
/// When the store keeps up, a batch is committed alone as soon as it arrives (no added latency);
/// when the store falls behind, batches of many agents pile up and share one transaction.
/// Two batches of one agent stay in submission order, and each batch's sequence check and
/// sequence update happen in the same transaction as its records (the store's rule).
///
/// Backpressure: the queue is bounded by ``Configuration/maxQueuedRecords``. ``submit(_:)``
/// suspends while it is full, and a session that waits here reads no further frames from its
/// agent, so its channel stops reading and TCP flow control pushes back on the agent.
///
/// Thread-safe: all state is behind one `Mutex`; ``run()`` is called once, in the server's task group.
public final class IngestWriter: Sendable {
    /// Bounds of the queue and of one group commit.
    public struct Configuration: Sendable, Hashable {
        /// Records waiting in the queue before ``IngestWriter/submit(_:)`` suspends (a single batch
        /// is always admitted into an empty queue, whatever its size).
        public var maxQueuedRecords: Int
        /// Records committed in one transaction at most (a batch is never split).
        public var maxGroupRecords: Int
        /// Batches committed in one transaction at most.
        public var maxGroupBatches: Int

        /// Creates bounds (defaults: 200 k queued records, groups of up to 20 k records or 512 batches).
        public init(maxQueuedRecords: Int = 200_000, maxGroupRecords: Int = 20_000, maxGroupBatches: Int = 512) {
            self.maxQueuedRecords = max(1, maxQueuedRecords)
            self.maxGroupRecords = max(1, maxGroupRecords)
            self.maxGroupBatches = max(1, maxGroupBatches)
        }
    }

    private struct Pending: Sendable {
        var batch: IngestBatch
        var reply: CheckedContinuation<Result<IngestResult, any Error>, Never>
    }

    private struct State {
        var queue: [Pending] = []
        var head = 0
        var queuedRecords = 0
        /// Sessions waiting for room in the queue.
        var admission: [CheckedContinuation<Void, Never>] = []
        /// The writer, waiting for work.
        var writer: CheckedContinuation<Void, Never>?
        var closed = false

        var isEmpty: Bool { head == queue.count }
    }

    private let store: any FlowStore
    private let configuration: Configuration
    private let counters: IngestCounters
    private let state = Mutex(State())

    /// A writer committing to `store`.
    public init(store: any FlowStore, configuration: Configuration = Configuration(), counters: IngestCounters) {
        self.store = store
        self.configuration = configuration
        self.counters = counters
    }

    /// Queues `batch` and returns once it is committed (or failed). Suspends first while the
    /// queue is full. After the writer stopped, returns a ``StorageError/database`` failure.
    public func submit(_ batch: IngestBatch) async -> Result<IngestResult, any Error> {
        let records = batch.records.count
        while true {
            enum Admission: Sendable { case admitted, full, closed }
            let admission: Admission = state.withLock { state in
                if state.closed { return .closed }
                if !state.isEmpty && state.queuedRecords + records > configuration.maxQueuedRecords { return .full }
                return .admitted
            }
            switch admission {
            case .closed:
                return .failure(StorageError.database.with(message: "ingest writer stopped"))
            case .admitted:
                return await withCheckedContinuation { (reply: CheckedContinuation<Result<IngestResult, any Error>, Never>) in
                    let (writer, closed) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool) in
                        if state.closed { return (nil, true) }
                        state.queue.append(Pending(batch: batch, reply: reply))
                        state.queuedRecords += records
                        defer { state.writer = nil }
                        return (state.writer, false)
                    }
                    if closed {
                        reply.resume(returning: .failure(StorageError.database.with(message: "ingest writer stopped")))
                    }
                    writer?.resume()
                }
            case .full:
                counters.backpressureWaits.add(1, ordering: .relaxed)
                await withCheckedContinuation { (wait: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        // Re-check under the lock: room may have appeared, or the writer stopped.
                        if state.closed || state.isEmpty || state.queuedRecords + records <= configuration.maxQueuedRecords {
                            return true
                        }
                        state.admission.append(wait)
                        return false
                    }
                    if resumeNow { wait.resume() }
                }
            }
        }
    }

    /// Commits queued batches until the task is cancelled; then fails whatever is still queued.
    public func run() async {
        await withTaskCancellationHandler {
            while let group = await nextGroup() {
                let results = await store.ingest(contentsOf: group.map(\.batch))
                counters.groupCommits.add(1, ordering: .relaxed)
                for (index, pending) in group.enumerated() {
                    pending.reply.resume(
                        returning: index < results.count
                            ? results[index] : .failure(StorageError.database.with(message: "no result for batch")))
                }
            }
        } onCancel: {
            close()
        }
        let (left, waiting) = state.withLock { state -> ([Pending], [CheckedContinuation<Void, Never>]) in
            state.closed = true
            let left = Array(state.queue[state.head...])
            state.queue = []
            state.head = 0
            state.queuedRecords = 0
            defer { state.admission = [] }
            return (left, state.admission)
        }
        for pending in left {
            pending.reply.resume(returning: .failure(StorageError.database.with(message: "ingest writer stopped")))
        }
        for wait in waiting { wait.resume() }
    }

    /// Stops the writer: ``run()`` returns after the group in progress.
    public func close() {
        let (writer, waiting) = state.withLock { state -> (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) in
            state.closed = true
            defer {
                state.writer = nil
                state.admission = []
            }
            return (state.writer, state.admission)
        }
        writer?.resume()
        for wait in waiting { wait.resume() }
    }

    /// Waits for work and takes the next group off the queue; nil once closed.
    private func nextGroup() async -> [Pending]? {
        while true {
            enum Step: Sendable { case group([Pending], [CheckedContinuation<Void, Never>]), stop, wait }
            let step: Step = state.withLock { state in
                if state.closed { return .stop }
                if state.isEmpty { return .wait }
                var group: [Pending] = []
                var records = 0
                while state.head < state.queue.count && group.count < configuration.maxGroupBatches {
                    let count = state.queue[state.head].batch.records.count
                    if !group.isEmpty && records + count > configuration.maxGroupRecords { break }
                    group.append(state.queue[state.head])
                    records += count
                    state.head += 1
                }
                state.queuedRecords -= records
                if state.head == state.queue.count {
                    state.queue.removeAll(keepingCapacity: true)
                    state.head = 0
                } else if state.head > 4_096 {
                    state.queue.removeFirst(state.head)
                    state.head = 0
                }
                defer { state.admission = [] }
                return .group(group, state.admission)
            }
            switch step {
            case .stop:
                return nil
            case .group(let group, let waiting):
                for wait in waiting { wait.resume() }
                return group
            case .wait:
                await withCheckedContinuation { (wake: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.closed || !state.isEmpty { return true }
                        state.writer = wake
                        return false
                    }
                    if resumeNow { wake.resume() }
                }
            }
        }
    }
}

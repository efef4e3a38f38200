public import FleetModel
public import Logging

/// Deletes records older than a configured age, in the background, in small chunks.
///
/// Every `interval` it calls `deleteChunk(cutoff)` until a call deletes nothing, yielding between
/// chunks so ingest transactions interleave with the deletes (each chunk is one short transaction).
/// `afterPass` runs after each pass that deleted something (e.g. to refresh planner statistics).
public struct RetentionService: Sendable {
    /// Records older than this are deleted.
    public let maximumAge: NetworkDuration
    /// Time between passes.
    public let interval: Duration
    private let deleteChunk: @Sendable (NetworkTime) async throws -> Int
    private let afterPass: @Sendable () async throws -> Void
    private let now: @Sendable () -> NetworkTime
    private let logger: Logger

    /// A retention task.
    /// - Parameters:
    ///   - deleteChunk: deletes a bounded number of records older than its argument; returns how many.
    ///   - now: the current time (the wall clock in the aggregator).
    public init(
        maximumAge: NetworkDuration, interval: Duration = .seconds(60), logger: Logger,
        now: @escaping @Sendable () -> NetworkTime,
        deleteChunk: @escaping @Sendable (NetworkTime) async throws -> Int,
        afterPass: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.maximumAge = maximumAge
        self.interval = interval
        self.logger = logger
        self.now = now
        self.deleteChunk = deleteChunk
        self.afterPass = afterPass
    }

    /// One pass: deletes chunk after chunk until none is left.
    /// - Returns: records deleted.
    @discardableResult
    public func runOnce() async throws -> Int {
        let cutoff = NetworkTime(microseconds: now().microseconds &- maximumAge.microseconds)
        var total = 0
        while !Task.isCancelled {
            let deleted = try await deleteChunk(cutoff)
            total += deleted
            if deleted == 0 { break }
            await Task.yield()
        }
        if total > 0 {
            try await afterPass()
            logger.info("retention deleted old records", metadata: ["retention.deleted": "\(total)"])
        }
        return total
    }

    /// Runs passes every `interval` until cancelled; a failed pass is logged and retried next time.
    public func run() async {
        while !Task.isCancelled {
            do {
                try await runOnce()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("retention pass failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}

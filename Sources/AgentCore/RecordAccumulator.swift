public import FleetModel

/// Collects records from the pipeline and decides, per `BatchPolicy`, when they leave as a batch.
///
/// A pure state machine: time is passed in (a monotonic instant the caller reads), nothing here
/// reads a clock. Call `add` with each drain of the pipeline, `tick` at `nextDeadline`, and
/// `flush` on shutdown.
public struct RecordAccumulator: Sendable {
    /// A batch ready to be encoded and handed to the `DeliveryLedger`.
    public struct Flush: Sendable, Hashable {
        public var records: RecordBatch
        public var estimatedBytes: Int
        public var reason: FlushReason
    }

    public let policy: BatchPolicy
    /// Records waiting for the next flush.
    public private(set) var pending = RecordBatch()
    /// Estimated encoded size of `pending`.
    public private(set) var pendingBytes = 0
    private var oldestArrival: ContinuousClock.Instant?
    private var interimDeadline: ContinuousClock.Instant?

    public init(policy: BatchPolicy = BatchPolicy()) {
        self.policy = policy
    }

    /// When `tick` must be called next at the latest; nil while nothing is pending.
    public var nextDeadline: ContinuousClock.Instant? {
        guard let oldestArrival else { return nil }
        let ageDeadline = oldestArrival.advanced(by: policy.maxAge)
        guard let interimDeadline else { return ageDeadline }
        return min(ageDeadline, interimDeadline)
    }

    /// Adds records that arrived at `now` and returns the batches that are due, oldest first.
    public mutating func add(_ records: RecordBatch, now: ContinuousClock.Instant) -> [Flush] {
        guard !records.isEmpty else { return tick(now: now).map { [$0] } ?? [] }
        if oldestArrival == nil { oldestArrival = now }
        if interimDeadline == nil, records.conns.contains(where: \.interim) {
            interimDeadline = now.advanced(by: policy.interimMaxAge)
        }
        pending.append(contentsOf: records)
        pendingBytes &+= RecordSizeEstimate.bytes(of: records)

        var flushes: [Flush] = []
        while pending.count > policy.maxRecords {
            let chunk = Self.removeFirst(policy.maxRecords, from: &pending)
            let bytes = RecordSizeEstimate.bytes(of: chunk)
            pendingBytes = max(0, pendingBytes &- bytes)
            flushes.append(Flush(records: chunk, estimatedBytes: bytes, reason: .maxRecords))
        }
        if pending.count == policy.maxRecords {
            flushes.append(takeAll(reason: .maxRecords))
        } else if pendingBytes >= policy.maxBytes {
            flushes.append(takeAll(reason: .maxBytes))
        } else if let due = tick(now: now) {
            flushes.append(due)
        }
        if pending.isEmpty { resetDeadlines() }
        return flushes
    }

    /// Returns the pending batch when its age or interim deadline has passed at `now`.
    public mutating func tick(now: ContinuousClock.Instant) -> Flush? {
        guard !pending.isEmpty, let oldestArrival else { return nil }
        if let interimDeadline, now >= interimDeadline { return takeAll(reason: .interim) }
        if now >= oldestArrival.advanced(by: policy.maxAge) { return takeAll(reason: .maxAge) }
        return nil
    }

    /// Returns whatever is pending (shutdown, end of a replay); nil when nothing is.
    public mutating func flush() -> Flush? {
        pending.isEmpty ? nil : takeAll(reason: .requested)
    }

    private mutating func takeAll(reason: FlushReason) -> Flush {
        let flush = Flush(records: pending.take(), estimatedBytes: pendingBytes, reason: reason)
        pendingBytes = 0
        resetDeadlines()
        return flush
    }

    private mutating func resetDeadlines() {
        oldestArrival = nil
        interimDeadline = nil
    }

    /// Moves the first `count` records into a new batch: names and payloads first (dns, http, ssl), then
    /// conns, then weirds. A batch split at `maxRecords` thus ships a DNS answer, SNI or Host before the
    /// connections it explains, and an injection request before its callback connection: the aggregator
    /// judges batches in order, and only within one batch does it index names before judging connections.
    static func removeFirst(_ count: Int, from batch: inout RecordBatch) -> RecordBatch {
        var remaining = count
        var chunk = RecordBatch()
        func move<T>(_ source: inout [T], _ destination: inout [T]) {
            let n = min(remaining, source.count)
            guard n > 0 else { return }
            destination.append(contentsOf: source[..<n])
            source.removeFirst(n)
            remaining -= n
        }
        move(&batch.dns, &chunk.dns)
        move(&batch.http, &chunk.http)
        move(&batch.ssl, &chunk.ssl)
        move(&batch.conns, &chunk.conns)
        move(&batch.weirds, &chunk.weirds)
        return chunk
    }
}

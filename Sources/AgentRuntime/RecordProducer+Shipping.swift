import AgentCore
public import Capture
public import FleetModel
import FleetWire
import FlowTracking

/// How a file replay (`fleet-agent --read`) is timed.
public struct ReplayPacing: Sendable, Hashable {
    /// Replay at this multiple of capture time (10 = ten times faster); nil = as fast as possible.
    public var speed: Double?
    /// Shift packet times so the capture's first packet is at this time; nil keeps capture times.
    public var startAt: NetworkTime?

    public init(speed: Double? = nil, startAt: NetworkTime? = nil) {
        self.speed = speed.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        self.startAt = startAt
    }
}

extension RecordProducer {
    /// The agent's capture loop: runs `packets` to the end and yields every flushed batch to
    /// `output` with the agent's cumulative counters (the shipper turns them into the deltas the
    /// aggregator adds up), reporting the same counters to `metrics` after every packet batch.
    /// Finishes `output` at the end of the stream (with the stream's error, if any).
    ///
    /// - Parameters:
    ///   - captureStatistics: pcap statistics of a live capture (nil for a file replay).
    ///   - replay: pacing and time shift of a file replay (the default replays as fast as possible).
    public mutating func ship(
        _ packets: PacketBatchStream, captureStatistics: (@Sendable () -> CaptureStatistics)? = nil,
        metrics: AgentMetrics? = nil, replay: ReplayPacing = ReplayPacing(),
        to output: AsyncThrowingStream<OutgoingBatch, any Error>.Continuation
    ) async {
        let clock = ContinuousClock()
        var shift: NetworkDuration?
        var pace: (wall: ContinuousClock.Instant, capture: Int64)?
        do {
            for try await incoming in packets {
                var batch = incoming
                if let startAt = replay.startAt, let first = batch.timestamp(at: 0) {
                    let offset = shift ?? NetworkDuration(microseconds: startAt.microseconds - first.microseconds)
                    shift = offset
                    batch.shiftTimestamps(by: offset)
                }
                if let speed = replay.speed, let first = batch.timestamp(at: 0),
                   let last = batch.timestamp(at: batch.count - 1) {
                    // Each packet batch waits until its last packet's (scaled) capture time.
                    let start = pace ?? (clock.now, first.microseconds)
                    pace = start
                    let offset = Double(last.microseconds - start.capture) / speed
                    try await clock.sleep(until: start.wall + .microseconds(Int64(max(0, offset))))
                }
                let now = clock.now
                if let heartbeat = batch.heartbeatTime {
                    // A quiet live capture: packet time moves on (interim records, expirations) all the same.
                    let time = NetworkTime(microseconds: heartbeat.microseconds &- Self.idleLag.microseconds)
                    for flush in idle(until: time, now: now) { emit(flush, captureStatistics, metrics, output) }
                }
                for flush in process(batch, now: now) { emit(flush, captureStatistics, metrics, output) }
                if let due = tick(now: now) { emit(due, captureStatistics, metrics, output) }
                metrics?.capture(totals(captureStatistics))
            }
            for flush in finish(now: clock.now) { emit(flush, captureStatistics, metrics, output) }
            metrics?.capture(totals(captureStatistics))
            output.finish()
        } catch {
            output.finish(throwing: error)
        }
    }

    /// How far behind a live capture's heartbeat (a read that found nothing) packet time is moved: a margin
    /// for packets the kernel stamped just before that read but delivers after it.
    public static let idleLag = NetworkDuration.seconds(1)

    /// The running totals the agent reports (metrics and batch stats).
    public func totals(_ captureStatistics: (@Sendable () -> CaptureStatistics)?) -> AgentMetrics.CaptureTotals {
        let capture = captureStatistics?()
        return AgentMetrics.CaptureTotals(
            packets: packets, kernelDrops: capture?.kernelDropped ?? 0, interfaceDrops: capture?.interfaceDropped ?? 0,
            flowsEvicted: statistics.flows.flowsEvicted, flowsActive: UInt64(max(0, statistics.flows.flowsActive)))
    }

    private func emit(
        _ flush: RecordAccumulator.Flush, _ captureStatistics: (@Sendable () -> CaptureStatistics)?,
        _ metrics: AgentMetrics?, _ output: AsyncThrowingStream<OutgoingBatch, any Error>.Continuation
    ) {
        let now = totals(captureStatistics)
        metrics?.produced(flush.records)
        let stats = WireCaptureStats(
            packetsSeen: now.packets, kernelDrops: now.kernelDrops, flowsActive: now.flowsActive,
            flowsEvicted: now.flowsEvicted, interfaceDrops: now.interfaceDrops)
        output.yield(OutgoingBatch(records: flush.records, stats: stats))
    }
}

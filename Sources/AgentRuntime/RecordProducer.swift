public import AgentCore
public import Capture
public import FleetModel
public import FlowTracking
import PacketLayers

/// Capture → pipeline → batch policy: turns a `PacketBatchStream` (live or `--read FILE`) into
/// flushed record batches, ready to be encoded and handed to the `DeliveryLedger`.
///
/// Owns the `PacketPipeline` and the `RecordAccumulator`; runs in the caller's task. Time for the
/// batch policy comes from the injected clock; flow time stays packet time. Live captures yield an
/// empty batch on every read timeout, which is when age deadlines are checked while idle.
public struct RecordProducer {
    private var pipeline: PacketPipeline
    private var accumulator: RecordAccumulator
    /// Packets processed so far.
    public private(set) var packets: UInt64 = 0

    public init(pipeline: PipelineConfiguration = PipelineConfiguration(), policy: BatchPolicy = BatchPolicy()) {
        self.pipeline = PacketPipeline(configuration: pipeline)
        accumulator = RecordAccumulator(policy: policy)
    }

    /// The pipeline's counters (decoder, flows, weirds).
    public var statistics: PipelineStatistics { pipeline.statistics }

    /// Feeds one batch of packets and returns the record batches due at `now`.
    public mutating func process(_ batch: PacketBatch, now: ContinuousClock.Instant) -> [RecordAccumulator.Flush] {
        let linkType = LinkType(rawValue: batch.linkType)
        batch.forEach { frame, timestamp, wireLength in
            pipeline.process(frame: frame, wireLength: wireLength, linkType: linkType, timestamp: timestamp)
        }
        packets &+= UInt64(batch.count)
        return accumulator.add(pipeline.drain(), now: now)
    }

    /// A live capture with nothing to read: moves packet time forward to `time` (never backwards), so
    /// interim records and expirations fall due on a quiet interface too; returns the batches due at `now`.
    public mutating func idle(until time: NetworkTime, now: ContinuousClock.Instant) -> [RecordAccumulator.Flush] {
        pipeline.advance(to: time)
        return accumulator.add(pipeline.drain(), now: now)
    }

    /// Returns the pending batch if its age deadline has passed.
    public mutating func tick(now: ContinuousClock.Instant) -> RecordAccumulator.Flush? {
        accumulator.tick(now: now)
    }

    /// End of input: closes every open flow and returns all remaining records.
    public mutating func finish(now: ContinuousClock.Instant) -> [RecordAccumulator.Flush] {
        pipeline.finish()
        var flushes = accumulator.add(pipeline.drain(), now: now)
        if let rest = accumulator.flush() { flushes.append(rest) }
        return flushes
    }

    /// Runs `packets` to the end, calling `deliver` with every flushed batch in order.
    ///
    /// - Parameters:
    ///   - finishAtEnd: close all flows when the stream ends (file replay, shutdown).
    ///   - clock: the monotonic clock for batch ages (injected for tests).
    /// - Throws: the stream's `CaptureError`, or whatever `deliver` throws.
    public mutating func run<C: Clock>(
        _ packets: PacketBatchStream, finishAtEnd: Bool = true, clock: C = ContinuousClock(),
        deliver: (RecordAccumulator.Flush) async throws -> Void
    ) async throws where C.Instant == ContinuousClock.Instant {
        for try await batch in packets {
            let now = clock.now
            for flush in process(batch, now: now) { try await deliver(flush) }
            if let due = tick(now: now) { try await deliver(due) }
        }
        if finishAtEnd {
            for flush in finish(now: clock.now) { try await deliver(flush) }
        }
    }
}

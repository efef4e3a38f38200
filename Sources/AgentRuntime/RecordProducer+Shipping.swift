import AgentCore
public import Capture
import FleetWire
import FlowTracking

extension RecordProducer {
    /// The agent's capture loop: runs `packets` to the end and yields every flushed batch to
    /// `output` with the agent's cumulative counters (the shipper turns them into the deltas the
    /// aggregator adds up), reporting the same counters to `metrics` after every packet batch.
    /// Finishes `output` at the end of the stream (with the stream's error, if any).
    ///
    /// - Parameters:
    ///   - captureStatistics: pcap statistics of a live capture (nil for a file replay).
    public mutating func ship(
        _ packets: PacketBatchStream, captureStatistics: (@Sendable () -> CaptureStatistics)? = nil,
        metrics: AgentMetrics? = nil, to output: AsyncThrowingStream<OutgoingBatch, any Error>.Continuation
    ) async {
        let clock = ContinuousClock()
        do {
            for try await batch in packets {
                let now = clock.now
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

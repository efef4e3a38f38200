import Synchronization

/// Counters the capture thread writes and any thread reads.
final class CaptureCounters: Sendable {
    let received = Atomic<UInt64>(0)
    let kernelDropped = Atomic<UInt64>(0)
    let interfaceDropped = Atomic<UInt64>(0)
    let deliveredPackets = Atomic<UInt64>(0)
    let deliveredBatches = Atomic<UInt64>(0)
    let droppedPackets = Atomic<UInt64>(0)
    let droppedBatches = Atomic<UInt64>(0)
    /// Set once to ask the capture thread to stop.
    let stopRequested = Atomic<Bool>(false)

    init() {}

    var snapshot: CaptureStatistics {
        var statistics = CaptureStatistics()
        statistics.received = received.load(ordering: .relaxed)
        statistics.kernelDropped = kernelDropped.load(ordering: .relaxed)
        statistics.interfaceDropped = interfaceDropped.load(ordering: .relaxed)
        statistics.deliveredPackets = deliveredPackets.load(ordering: .relaxed)
        statistics.deliveredBatches = deliveredBatches.load(ordering: .relaxed)
        statistics.consumerDroppedPackets = droppedPackets.load(ordering: .relaxed)
        statistics.consumerDroppedBatches = droppedBatches.load(ordering: .relaxed)
        return statistics
    }
}

/// Counters of one capture: libpcap's `pcap_stats` plus what happened between the capture
/// thread and its consumer.
public struct CaptureStatistics: Sendable, Hashable {
    /// Packets that passed the filter (`ps_recv`).
    public var received: UInt64 = 0
    /// Packets the kernel dropped for lack of buffer space (`ps_drop`).
    public var kernelDropped: UInt64 = 0
    /// Packets the interface or its driver dropped (`ps_ifdrop`).
    public var interfaceDropped: UInt64 = 0
    /// Packets handed to the consumer.
    public var deliveredPackets: UInt64 = 0
    /// Batches handed to the consumer.
    public var deliveredBatches: UInt64 = 0
    /// Packets dropped because the consumer was too slow (live capture only).
    public var consumerDroppedPackets: UInt64 = 0
    /// Batches dropped because the consumer was too slow (live capture only).
    public var consumerDroppedBatches: UInt64 = 0

    public init() {}
}

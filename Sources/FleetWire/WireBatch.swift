public import FleetModel

/// One batch of records from an agent, acknowledged by its sequence number.
public struct WireBatch: Sendable, Hashable {
    /// Agent that produced the batch.
    public var agentID: String
    /// Per-agent, strictly increasing from 1.
    public var sequence: UInt64
    /// Packet-time span the batch covers.
    public var firstTime: NetworkTime
    /// End of the packet-time span.
    public var lastTime: NetworkTime
    /// Agent health counters at the time of the batch.
    public var stats: WireCaptureStats
    /// Weird counts by name since the previous batch (including rate-limited ones).
    public var weirdCounters: [String: UInt64]
    /// The records, in the order the pipeline completed them.
    public var records: RecordBatch

    /// Creates a batch.
    public init(
        agentID: String, sequence: UInt64, firstTime: NetworkTime, lastTime: NetworkTime,
        stats: WireCaptureStats = WireCaptureStats(), weirdCounters: [String: UInt64] = [:],
        records: RecordBatch
    ) {
        self.agentID = agentID
        self.sequence = sequence
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.stats = stats
        self.weirdCounters = weirdCounters
        self.records = records
    }
}

/// Agent health counters: cumulative since agent start (or gauges), plus the deltas since the
/// agent's previous batch, which are what the aggregator adds up per agent.
public struct WireCaptureStats: Sendable, Hashable {
    /// Packets the capture delivered.
    public var packetsSeen: UInt64
    /// Packets the kernel dropped (pcap stats).
    public var kernelDrops: UInt64
    /// Flows in the tracker now.
    public var flowsActive: UInt64
    /// Flows evicted early because the table was full.
    public var flowsEvicted: UInt64
    /// Batches written to the local spool while the aggregator was unreachable.
    public var batchesSpooled: UInt64
    /// Batches lost (spool full or rejected).
    public var batchesDropped: UInt64
    /// Bytes in the spool now.
    public var spoolBytes: UInt64
    /// Packets the interface or its driver dropped (pcap `ps_ifdrop`).
    public var interfaceDrops: UInt64
    /// Packets seen since the agent's previous batch.
    public var packetsSeenDelta: UInt64
    /// Kernel plus interface drops since the agent's previous batch.
    public var dropsDelta: UInt64

    /// Creates counters; all default to zero.
    public init(
        packetsSeen: UInt64 = 0, kernelDrops: UInt64 = 0, flowsActive: UInt64 = 0, flowsEvicted: UInt64 = 0,
        batchesSpooled: UInt64 = 0, batchesDropped: UInt64 = 0, spoolBytes: UInt64 = 0,
        interfaceDrops: UInt64 = 0, packetsSeenDelta: UInt64 = 0, dropsDelta: UInt64 = 0
    ) {
        self.interfaceDrops = interfaceDrops
        self.packetsSeenDelta = packetsSeenDelta
        self.dropsDelta = dropsDelta
        self.packetsSeen = packetsSeen
        self.kernelDrops = kernelDrops
        self.flowsActive = flowsActive
        self.flowsEvicted = flowsEvicted
        self.batchesSpooled = batchesSpooled
        self.batchesDropped = batchesDropped
        self.spoolBytes = spoolBytes
    }
}

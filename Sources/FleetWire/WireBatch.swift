public import FleetModel

/// One batch of records from an agent, acknowledged by its sequence number.
public struct WireBatch: Sendable, Hashable {
    public var agentID: String
    /// Per-agent, strictly increasing from 1.
    public var sequence: UInt64
    /// Packet-time span the batch covers.
    public var firstTime: NetworkTime
    public var lastTime: NetworkTime
    public var stats: WireCaptureStats
    /// Weird counts by name since the previous batch (including rate-limited ones).
    public var weirdCounters: [String: UInt64]
    public var records: RecordBatch

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

/// Agent health counters, cumulative since agent start.
public struct WireCaptureStats: Sendable, Hashable {
    public var packetsSeen: UInt64
    public var kernelDrops: UInt64
    public var flowsActive: UInt64
    public var flowsEvicted: UInt64
    public var batchesSpooled: UInt64
    public var batchesDropped: UInt64
    public var spoolBytes: UInt64

    public init(
        packetsSeen: UInt64 = 0, kernelDrops: UInt64 = 0, flowsActive: UInt64 = 0, flowsEvicted: UInt64 = 0,
        batchesSpooled: UInt64 = 0, batchesDropped: UInt64 = 0, spoolBytes: UInt64 = 0
    ) {
        self.packetsSeen = packetsSeen
        self.kernelDrops = kernelDrops
        self.flowsActive = flowsActive
        self.flowsEvicted = flowsEvicted
        self.batchesSpooled = batchesSpooled
        self.batchesDropped = batchesDropped
        self.spoolBytes = spoolBytes
    }
}

public import FleetModel
public import PacketLayers

/// Flow-table settings; timeouts are in packet time, defaults as Zeek's.
public struct FlowConfiguration: Sendable, Hashable {
    public var tcpInactivityTimeout: NetworkDuration = .seconds(300)
    public var udpInactivityTimeout: NetworkDuration = .seconds(60)
    public var icmpInactivityTimeout: NetworkDuration = .seconds(60)
    /// Interval between interim records of a long-lived flow; nil turns them off.
    public var interimInterval: NetworkDuration? = .seconds(60)
    /// Most flows tracked at once; the least recently active is evicted beyond it.
    public var maxFlows: Int = 1_000_000
    /// Ignore transport checksum failures (Zeek `-C`).
    public init() {}
}

/// Flow-table counters.
public struct FlowCounters: Sendable, Hashable {
    public var packets: UInt64 = 0
    public var flowsCreated: UInt64 = 0
    public var flowsActive: Int = 0
    public var flowsEvicted: UInt64 = 0
    public var flowsExpired: UInt64 = 0
    public var interimRecords: UInt64 = 0
    public init() {}
}

/// Bidirectional flows with Zeek conn.log semantics.
public struct FlowTracker: PacketSink {
    public let configuration: FlowConfiguration
    public private(set) var counters = FlowCounters()
    private var output = RecordBatch()

    public init(configuration: FlowConfiguration = FlowConfiguration()) {
        self.configuration = configuration
    }

    public mutating func receive(_ packet: DecodedPacket, bytes: UnsafeRawBufferPointer) {
        counters.packets += 1
    }

    public mutating func weird(_ weird: WeirdRecord) {
        output.weirds.append(weird)
    }

    public mutating func finishAll() {}

    public mutating func drain() -> RecordBatch { output.take() }
}

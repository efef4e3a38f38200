public import FleetModel

/// Decodes captured frames down to IP and transport headers.
///
/// Pure: no I/O, no clock. Holds only fragment-reassembly state and counters.
/// Not thread-safe: one decoder per capture loop.
public struct PacketDecoder {
    public let configuration: DecoderConfiguration
    public internal(set) var counters = DecoderCounters()

    /// Packets the current frame produced, in order, in the first `queuedCount` elements; handed
    /// to the sink at the end of `decode`. Elements past the count are stale and overwritten:
    /// resetting the count is cheaper than emptying the arrays per frame.
    @usableFromInline var queuedPackets: [DecodedPacket] = []
    /// For each queued packet: -1 for the frame, else an index into `reassembledBuffers`.
    @usableFromInline var queuedBuffers: [Int] = []
    /// How many of `queuedPackets` / `queuedBuffers` belong to the current frame.
    @usableFromInline var queuedCount = 0
    /// Weirds of the current frame, each with the number of packets queued before it (to keep the order).
    @usableFromInline var queuedWeirds: [(before: Int, weird: WeirdRecord)] = []
    /// Reassembled datagrams of the current frame (the buffers their packets index).
    @usableFromInline var reassembledBuffers: [[UInt8]] = []
    var fragments = FragmentReassembler()
    var currentTime = NetworkTime.zero
    var reportedUnsupportedLinkType = false
    /// UDP port -> tunnel kind bits (1 VXLAN, 2 GENEVE, 4 Teredo): one lookup per port instead of three set probes.
    let tunnelPorts: [UInt8]

    public init(configuration: DecoderConfiguration = DecoderConfiguration()) {
        self.configuration = configuration
        var ports = [UInt8](repeating: 0, count: 65536)
        for port in configuration.vxlanPorts { ports[Int(port)] |= TunnelPortBits.vxlan }
        for port in configuration.genevePorts { ports[Int(port)] |= TunnelPortBits.geneve }
        for port in configuration.teredoPorts { ports[Int(port)] |= TunnelPortBits.teredo }
        tunnelPorts = ports
        queuedPackets.reserveCapacity(8)
        queuedBuffers.reserveCapacity(8)
    }

    /// Number of IP datagrams currently waiting for more fragments.
    public var pendingFragmentedDatagrams: Int { fragments.pending.count }

    /// Decodes one captured frame whose length on the wire is unknown.
    ///
    /// Without the wire length the decoder cannot tell a snaplen cut from a lying
    /// IP length, so it never raises `truncated_IP_len`: prefer
    /// ``decode(frame:wireLength:linkType:timestamp:into:)``.
    ///
    /// - Parameters:
    ///   - frame: the captured bytes (possibly shorter than the wire length).
    ///   - linkType: the capture's link-layer type.
    ///   - timestamp: the capture timestamp.
    ///   - sink: receives the packets and weirds; called synchronously.
    @inlinable
    public mutating func decode<Sink: PacketSink>(
        frame: UnsafeRawBufferPointer, linkType: LinkType, timestamp: NetworkTime, into sink: inout Sink
    ) {
        decode(frame: frame, wireLength: nil, linkType: linkType, timestamp: timestamp, into: &sink)
    }

    /// Decodes one captured frame.
    ///
    /// - Parameters:
    ///   - frame: the captured bytes (possibly shorter than the wire length).
    ///   - wireLength: the frame's length on the wire (pcap's `len`), nil when unknown.
    ///     An IP length beyond it is `truncated_IP_len`; one beyond only the capture is a snaplen cut.
    ///   - linkType: the capture's link-layer type.
    ///   - timestamp: the capture timestamp.
    ///   - sink: receives the packets and weirds in the order they were found; called synchronously.
    @inlinable
    public mutating func decode<Sink: PacketSink>(
        frame: UnsafeRawBufferPointer, wireLength: Int?, linkType: LinkType, timestamp: NetworkTime,
        into sink: inout Sink
    ) {
        decodeFrame(frame, wireLength: wireLength, linkType: linkType, timestamp: timestamp)
        let count = min(queuedCount, queuedPackets.count, queuedBuffers.count)
        queuedCount = 0
        if queuedWeirds.isEmpty && reassembledBuffers.isEmpty {
            // The common case: packets from the frame itself, no weirds.
            for index in 0..<count {
                sink.receive(queuedPackets[index], bytes: frame)
            }
            return
        }
        var nextWeird = 0
        for index in 0..<count {
            while nextWeird < queuedWeirds.count, queuedWeirds[nextWeird].before <= index {
                sink.weird(queuedWeirds[nextWeird].weird)
                nextWeird += 1
            }
            let buffer = queuedBuffers[index]
            if buffer < 0 {
                sink.receive(queuedPackets[index], bytes: frame)
            } else if buffer < reassembledBuffers.count {
                reassembledBuffers[buffer].withUnsafeBytes { sink.receive(queuedPackets[index], bytes: $0) }
            }
        }
        while nextWeird < queuedWeirds.count {
            sink.weird(queuedWeirds[nextWeird].weird)
            nextWeird += 1
        }
        queuedWeirds.removeAll(keepingCapacity: true)
        if !reassembledBuffers.isEmpty { reassembledBuffers.removeAll(keepingCapacity: true) }
    }

    /// Drops every datagram still waiting for fragments (e.g. at end of input), counting them.
    public mutating func flushFragments() {
        counters.fragmentsDropped += UInt64(fragments.removeAll())
    }

    @usableFromInline
    mutating func decodeFrame(_ frame: UnsafeRawBufferPointer, wireLength: Int?, linkType: LinkType, timestamp: NetworkTime) {
        counters.frames += 1
        currentTime = timestamp
        if !fragments.pending.isEmpty {
            counters.fragmentsDropped += UInt64(fragments.expire(now: timestamp, timeout: configuration.fragmentTimeout))
        }
        let wireEnd = wireLength.map { max($0, frame.count) }
        decodeLink(frame, linkType: linkType, wireEnd: wireEnd)
    }
}

enum TunnelPortBits {
    static let vxlan: UInt8 = 1
    static let geneve: UInt8 = 2
    static let teredo: UInt8 = 4
}

/// Per-layer state carried down the decode: tags and tunnel seen so far.
struct LayerContext {
    var vlan: UInt16?
    var innerVLAN: UInt16?
    var tunnel: TunnelParent?
    var depth = 0
    /// Addresses of the enclosing IP header, for weirds raised before the inner one is known.
    var outerSource: IPAddress?
    var outerDestination: IPAddress?
    /// Which buffer packets index: -1 the frame, else a reassembled buffer.
    var buffer = -1
    /// True inside Teredo (a Teredo bubble's "no next header" is not weird).
    var inTeredo = false
}

extension PacketDecoder {
    /// Queues a weird and counts it.
    mutating func weird(_ name: String, _ source: String, source address: IPAddress? = nil,
                        destination: IPAddress? = nil, addl: String? = nil) {
        counters.weirds += 1
        var id: ConnID?
        if let address, let destination {
            id = ConnID(originatorHost: address, originatorPort: 0, responderHost: destination, responderPort: 0)
        }
        queuedWeirds.append((queuedCount, WeirdRecord(ts: currentTime, id: id, name: name, addl: addl, source: source)))
    }

    /// Queues a weird carrying the enclosing IP header's addresses, if any.
    mutating func weird(_ name: String, _ source: String, _ context: LayerContext) {
        weird(name, source, source: context.outerSource, destination: context.outerDestination)
    }

    mutating func deliver(_ packet: DecodedPacket, _ context: LayerContext) {
        if queuedCount < queuedPackets.count && queuedCount < queuedBuffers.count {
            queuedPackets[queuedCount] = packet
            queuedBuffers[queuedCount] = context.buffer
        } else {
            queuedPackets.append(packet)
            queuedBuffers.append(context.buffer)
        }
        queuedCount += 1
    }
}

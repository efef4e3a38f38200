public import FleetModel

/// Decodes captured frames down to IP and transport headers.
///
/// Pure: no I/O, no clock. Holds only fragment-reassembly state and counters.
/// Not thread-safe: one decoder per capture loop.
public struct PacketDecoder {
    public let configuration: DecoderConfiguration
    public internal(set) var counters = DecoderCounters()

    /// The tunnels enclosing the packet being decoded, outermost first (`LayerContext.depth` of them).
    var tunnelParents: [TunnelParent] = []
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
        tunnelParents.reserveCapacity(4)
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
        decodeFrame(frame, wireLength: wireLength, linkType: linkType, timestamp: timestamp, into: &sink)
    }

    /// Drops every datagram still waiting for fragments (e.g. at end of input), counting them.
    public mutating func flushFragments() {
        counters.fragmentsDropped += UInt64(fragments.removeAll())
    }

    /// Decodes one frame, handing each packet and weird to `sink` as soon as it is found.
    @usableFromInline
    mutating func decodeFrame<Sink: PacketSink>(
        _ frame: UnsafeRawBufferPointer, wireLength: Int?, linkType: LinkType, timestamp: NetworkTime, into sink: inout Sink
    ) {
        counters.frames += 1
        currentTime = timestamp
        if !fragments.pending.isEmpty {
            counters.fragmentsDropped += UInt64(fragments.expire(now: timestamp, timeout: configuration.fragmentTimeout))
        }
        let wireEnd = wireLength.map { max($0, frame.count) }
        decodeLink(frame, linkType: linkType, wireEnd: wireEnd, into: &sink)
    }
}

enum TunnelPortBits {
    static let vxlan: UInt8 = 1
    static let geneve: UInt8 = 2
    static let teredo: UInt8 = 4
}

/// Per-layer state carried down the decode: tags and tunnel nesting seen so far.
///
/// Small enough to pass in registers: the tunnels themselves live in the decoder's
/// `tunnelParents`, of which the first `depth` belong to the packet being decoded.
struct LayerContext {
    /// How many tunnels enclose this layer (0 outside any tunnel).
    var depth = 0
    var vlan: UInt16?
    var innerVLAN: UInt16?
    /// True inside Teredo (a Teredo bubble's "no next header" is not weird).
    var inTeredo = false
}

extension PacketDecoder {
    /// Hands a weird to the sink and counts it.
    mutating func weird<Sink: PacketSink>(_ name: String, _ source: String, source address: IPAddress? = nil,
                        destination: IPAddress? = nil, addl: String? = nil, into sink: inout Sink) {
        counters.weirds += 1
        var id: ConnID?
        if let address, let destination {
            id = ConnID(originatorHost: address, originatorPort: 0, responderHost: destination, responderPort: 0)
        }
        sink.weird(WeirdRecord(ts: currentTime, id: id, name: name, addl: addl, source: source))
    }

    /// Hands the sink a weird carrying the enclosing IP header's addresses, if any.
    mutating func weird<Sink: PacketSink>(_ name: String, _ source: String, _ context: LayerContext, into sink: inout Sink) {
        // Inside a tunnel: the enclosing IP header's addresses, for weirds raised before the inner one is known.
        let parent = tunnelParent(context)
        weird(name, source, source: parent?.source, destination: parent?.destination, into: &sink)
    }

    /// The tunnel immediately enclosing a layer, if any.
    func tunnelParent(_ context: LayerContext) -> TunnelParent? {
        let index = context.depth - 1
        guard index >= 0, index < tunnelParents.count else { return nil }
        return tunnelParents[index]
    }

    /// Hands the sink a weird carrying the addresses of the IP header being decoded.
    mutating func weird<Sink: PacketSink>(_ name: String, _ source: String, _ ip: IPInfo, into sink: inout Sink) {
        weird(name, source, source: ip.source, destination: ip.destination, into: &sink)
    }

    /// Hands a packet to the sink; `bytes` is the buffer its payload indexes (the frame or a reassembled datagram).
    @inline(__always)
    mutating func deliver<Sink: PacketSink>(_ packet: DecodedPacket, _ bytes: UnsafeRawBufferPointer, into sink: inout Sink) {
        sink.receive(packet, bytes: bytes)
    }
}

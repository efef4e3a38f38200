import FleetModel
@testable import PacketLayers
import Testing

@Suite("Tunnels")
struct TunnelTests {
    static let outerSource: [UInt8] = [172, 16, 0, 1]
    static let outerDestination: [UInt8] = [172, 16, 0, 2]
    static let innerIP = Build.ipv4(proto: 6, Build.tcp(Array("in".utf8)))
    static let innerFrame = Build.ethernet(type: 0x0800, innerIP)

    static func udpTunnel(port: Int, _ payload: [UInt8]) -> [UInt8] {
        let udp = Build.udp(sourcePort: 33333, destinationPort: port, payload, source: outerSource, destination: outerDestination)
        return Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, udp, source: outerSource, destination: outerDestination))
    }

    func expectOuterThenInner(_ sink: CollectingSink, kind: TunnelKind, port: UInt16, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sink.weirds.isEmpty, sourceLocation: sourceLocation)
        #expect(sink.packets.count == 2, sourceLocation: sourceLocation)
        guard sink.packets.count == 2 else { return }
        let outer = sink.packets[0], inner = sink.packets[1]
        #expect(outer.destinationPort == port && outer.tunnel == nil, sourceLocation: sourceLocation)
        #expect(inner.tunnel == TunnelParent(kind: kind, source: IPAddress(bytes: Self.outerSource),
                                             destination: IPAddress(bytes: Self.outerDestination),
                                             sourcePort: 33333, destinationPort: port, ipProto: 17), sourceLocation: sourceLocation)
        #expect(sink.payloads[1] == Array("in".utf8), sourceLocation: sourceLocation)
    }

    @Test func vxlan() {
        let sink = decode(Self.udpTunnel(port: 4789, [0x08, 0, 0, 0, 0, 0, 0x2a, 0] + Self.innerFrame))
        expectOuterThenInner(sink, kind: .vxlan, port: 4789)
        #expect(sink.packets.last?.source == IPAddress(bytes: Build.client4))
    }

    @Test func vxlanWithoutIFlagStaysUDP() {
        let sink = decode(Self.udpTunnel(port: 4789, [0, 0, 0, 0, 0, 0, 0x2a, 0] + Self.innerFrame))
        #expect(sink.packets.count == 1)
    }

    @Test func geneveWithOptions() {
        let option: [UInt8] = [0x01, 0x02, 0x03, 0x01, 0xaa, 0xbb, 0xcc, 0xdd]
        let header: [UInt8] = [0x02, 0x00] + be16(0x6558) + [0, 0, 1, 0]
        expectOuterThenInner(decode(Self.udpTunnel(port: 6081, header + option + Self.innerFrame)), kind: .geneve, port: 6081)
        let ipHeader: [UInt8] = [0x00, 0x00] + be16(0x0800) + [0, 0, 1, 0]
        expectOuterThenInner(decode(Self.udpTunnel(port: 6081, ipHeader + Self.innerIP)), kind: .geneve, port: 6081)
    }

    static let teredoInner = Build.ipv6(next: 6, Build.tcp(Array("in".utf8), source: Build.client6, destination: Build.server6))

    @Test func teredo() {
        expectOuterThenInner(decode(Self.udpTunnel(port: 3544, Self.teredoInner)), kind: .teredo, port: 3544)
        let origin: [UInt8] = [0, 0, 0x12, 0x34, 1, 2, 3, 4]
        expectOuterThenInner(decode(Self.udpTunnel(port: 3544, origin + Self.teredoInner)), kind: .teredo, port: 3544)
        let authentication: [UInt8] = [0, 1, 0, 0] + [UInt8](repeating: 0, count: 9)
        expectOuterThenInner(decode(Self.udpTunnel(port: 3544, authentication + origin + Self.teredoInner)), kind: .teredo, port: 3544)
    }

    @Test func teredoFoundByContentOnOtherPorts() {
        let teredoAddress: [UInt8] = [0x20, 0x01, 0x00, 0x00, 0x41, 0x37, 0x9e, 0x50] + [UInt8](repeating: 0, count: 7) + [1]
        let inner = Build.ipv6(next: 17, Build.udp(source: teredoAddress, destination: Build.server6),
                               source: teredoAddress)
        expectOuterThenInnerCount(decode(Self.udpTunnel(port: 32900, inner)), 2)
        // Ordinary IPv6 addresses on other ports: not Teredo.
        expectOuterThenInnerCount(decode(Self.udpTunnel(port: 32900, Self.teredoInner)), 1)
        var configuration = DecoderConfiguration()
        configuration.detectTeredoByContent = false
        expectOuterThenInnerCount(decode(Self.udpTunnel(port: 32900, inner), configuration: configuration), 1)
    }

    func expectOuterThenInnerCount(_ sink: CollectingSink, _ count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sink.weirds.isEmpty, sourceLocation: sourceLocation)
        #expect(sink.packets.count == count, sourceLocation: sourceLocation)
        if count == 2 { #expect(sink.packets.last?.tunnel?.kind == .teredo, sourceLocation: sourceLocation) }
    }

    @Test func teredoBubbleIsNotWeird() {
        let bubble = Build.ipv6(next: 59, [])
        let sink = decode(Self.udpTunnel(port: 3544, bubble))
        #expect(sink.weirds.isEmpty)
        #expect(sink.packets.count == 1)
    }

    @Test func teredoValidation() {
        // Not IPv6 after the headers: just UDP.
        #expect(decode(Self.udpTunnel(port: 3544, [0x45] + [UInt8](repeating: 0, count: 40))).packets.count == 1)
        // IPv6 shorter than its header, and a length mismatch.
        #expect(decode(Self.udpTunnel(port: 3544, [0x60, 0, 0, 0, 0, 0])).weirdNames == ["truncated_IPv6_in_Teredo"])
        #expect(decode(Self.udpTunnel(port: 3544, Self.teredoInner + [0])).weirdNames == ["Teredo_payload_len_mismatch"])
        #expect(decode(Self.udpTunnel(port: 3544, [0, 0, 1])).weirdNames == ["truncated_Teredo_origin_indication"])
    }

    @Test func greVersion0WithOptions() {
        // Checksum present + key + sequence: 4 + 4 + 4 + 4 bytes.
        let gre: [UInt8] = be16(0xb000) + be16(0x0800) + [0, 0, 0, 0] + be32(42) + be32(7)
        let frame = Build.ethernet(type: 0x0800, Build.ipv4(proto: 47, gre + Self.innerIP, source: Self.outerSource, destination: Self.outerDestination))
        let sink = decode(frame)
        #expect(sink.weirds.isEmpty)
        #expect(sink.packets.count == 1)
        #expect(sink.packets.first?.tunnel == TunnelParent(kind: .gre, source: IPAddress(bytes: Self.outerSource),
                                                           destination: IPAddress(bytes: Self.outerDestination),
                                                           sourcePort: 0, destinationPort: 0, ipProto: 47))
        #expect(sink.payloads.first == Array("in".utf8))
    }

    @Test func greTransparentEthernetBridging() {
        let frame = Build.ethernet(type: 0x0800, Build.ipv4(proto: 47, be16(0) + be16(0x6558) + Self.innerFrame))
        let sink = decode(frame)
        #expect(sink.packets.count == 1)
        #expect(sink.packets.first?.tunnel?.kind == .gre)
    }

    @Test func greErrors() {
        #expect(decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 47, [0, 0]))).weirdNames == ["truncated_GRE"])
        #expect(decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 47, be16(3) + be16(0x0800)))).weirdNames == ["unknown_gre_version"])
        #expect(decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 47, be16(0) + be16(0x1234)))).weirdNames == ["unknown_gre_protocol"])
    }

    @Test func ipInIP() {
        let v4 = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 4, Self.innerIP, source: Self.outerSource, destination: Self.outerDestination)))
        #expect(v4.packets.count == 1)
        #expect(v4.packets.first?.tunnel?.kind == .ipInIP)
        #expect(v4.packets.first?.tunnel?.ipProto == 4)
        let v6 = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 41, Self.teredoInner)))
        #expect(v6.packets.first?.tunnel?.ipProto == 41)
        #expect(v6.packets.first?.checksumValid == true)
        let truncated = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 4, Array(Self.innerIP.dropLast()))))
        #expect(truncated.weirdNames == ["truncated_inner_IP"])
        let wrongVersion = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 4, Self.teredoInner)))
        #expect(wrongVersion.weirdNames == ["invalid_inner_IP_version"])
    }

    @Test func nestingDepthIsBounded() {
        var packet = Self.innerIP
        for _ in 0..<3 { packet = Build.ipv4(proto: 4, packet) }
        let sink = decode(Build.ethernet(type: 0x0800, packet))
        #expect(sink.weirdNames == ["exceeded_tunnel_max_depth"])
        #expect(sink.packets.isEmpty)
        var configuration = DecoderConfiguration()
        configuration.maxTunnelDepth = 4
        #expect(decode(Build.ethernet(type: 0x0800, packet), configuration: configuration).packets.count == 1)
    }

    @Test func everyTruncationOfTunnelFrames() {
        let frames = [
            Self.udpTunnel(port: 4789, [0x08, 0, 0, 0, 0, 0, 0x2a, 0] + Self.innerFrame),
            Self.udpTunnel(port: 6081, [0x02, 0x00] + be16(0x6558) + [0, 0, 1, 0] + [1, 2, 3, 1, 0, 0, 0, 0] + Self.innerFrame),
            Self.udpTunnel(port: 3544, [0, 1, 0, 0] + [UInt8](repeating: 0, count: 9) + [0, 0, 0x12, 0x34, 1, 2, 3, 4] + Self.teredoInner),
            Build.ethernet(type: 0x0800, Build.ipv4(proto: 47, be16(0xb000) + be16(0x0800) + [UInt8](repeating: 0, count: 12) + Self.innerIP)),
            Build.ethernet(type: 0x0800, Build.ipv4(proto: 47, be16(0) + be16(0x6558) + Self.innerFrame)),
            Build.ethernet(type: 0x0800, Build.ipv4(proto: 41, Self.teredoInner)),
        ]
        for frame in frames {
            let result = checkEveryTruncation(frame)
            #expect(!result.badRange)
            #expect(result.silent.isEmpty, "silent at \(result.silent)")
        }
    }
}

/// Records packets and weirds in one sequence, to check their order.
struct OrderSink: PacketSink {
    var events: [String] = []
    mutating func receive(_ packet: DecodedPacket, bytes: UnsafeRawBufferPointer) {
        events.append(packet.tunnel == nil ? "outer" : "inner")
    }
    mutating func weird(_ weird: WeirdRecord) { events.append(weird.name) }
}

@Suite("Output order")
struct OutputOrderTests {
    func events(_ frame: [UInt8]) -> [String] {
        var decoder = PacketDecoder()
        var sink = OrderSink()
        frame.withUnsafeBytes { decoder.decode(frame: $0, linkType: .ethernet, timestamp: .zero, into: &sink) }
        return sink.events
    }

    @Test func weirdsKeepTheirPlaceBetweenPackets() {
        #expect(events(TunnelTests.udpTunnel(port: 3544, TunnelTests.teredoInner + [0])) == ["outer", "Teredo_payload_len_mismatch"])
        #expect(events(TunnelTests.udpTunnel(port: 3544, TunnelTests.teredoInner)) == ["outer", "inner"])
        let mismatch = Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, Build.udp([1, 2, 3, 4], length: 10, zeroChecksum: true)))
        #expect(events(mismatch) == ["UDP_datagram_length_mismatch", "outer"])
        let innerBroken = TunnelTests.udpTunnel(port: 4789, [0x08, 0, 0, 0, 0, 0, 0x2a, 0] + [1, 2, 3])
        #expect(events(innerBroken) == ["outer", "truncated_ethernet_frame"])
    }
}

/// The decoder keeps the enclosing tunnels by depth and hands each packet on at once:
/// parents must never leak from one frame or branch into the next.
@Suite("Tunnel parents")
struct TunnelParentTests {
    static let middleSource: [UInt8] = [10, 9, 0, 1]
    static let middleDestination: [UInt8] = [10, 9, 0, 2]

    /// IP-in-IP (outer addresses) carrying VXLAN (middle addresses) carrying `inner`.
    static func nested(_ inner: [UInt8]) -> [UInt8] {
        let udp = Build.udp(sourcePort: 33333, destinationPort: 4789, [0x08, 0, 0, 0, 0, 0, 0x2a, 0] + inner,
                            source: middleSource, destination: middleDestination)
        let middle = Build.ipv4(proto: 17, udp, source: middleSource, destination: middleDestination)
        return Build.ethernet(type: 0x0800, Build.ipv4(
            proto: 4, middle, source: TunnelTests.outerSource, destination: TunnelTests.outerDestination))
    }

    @Test func nestedTunnelsNameTheirImmediateParent() {
        var decoder = PacketDecoder()
        let sink = decode(Self.nested(TunnelTests.innerFrame), decoder: &decoder)
        #expect(sink.weirds.isEmpty)
        #expect(sink.packets.count == 2)
        guard sink.packets.count == 2 else { return }
        #expect(sink.packets[0].tunnel == TunnelParent(
            kind: .ipInIP, source: IPAddress(bytes: TunnelTests.outerSource),
            destination: IPAddress(bytes: TunnelTests.outerDestination), sourcePort: 0, destinationPort: 0, ipProto: 4))
        #expect(sink.packets[1].tunnel == TunnelParent(
            kind: .vxlan, source: IPAddress(bytes: Self.middleSource), destination: IPAddress(bytes: Self.middleDestination),
            sourcePort: 33333, destinationPort: 4789, ipProto: 17))
        #expect(sink.payloads[1] == Array("in".utf8))
        // The next frames, plain and once tunnelled, see none of the previous frame's parents.
        let plain = decode(Build.tcpSYN, decoder: &decoder)
        #expect(plain.packets.count == 1 && plain.packets.first?.tunnel == nil)
        let once = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 4, TunnelTests.innerIP)), decoder: &decoder)
        #expect(once.packets.count == 1 && once.packets.first?.tunnel?.kind == .ipInIP)
        #expect(once.packets.first?.tunnel?.source == IPAddress(bytes: Build.client4))
    }

    @Test func weirdInsideANestedTunnelCarriesTheEnclosingAddresses() {
        var decoder = PacketDecoder()
        let sink = decode(Self.nested([1, 2, 3]), decoder: &decoder)
        #expect(sink.weirdNames == ["truncated_ethernet_frame"])
        #expect(sink.weirds.first?.id?.originatorHost == IPAddress(bytes: Self.middleSource))
        #expect(sink.weirds.first?.id?.responderHost == IPAddress(bytes: Self.middleDestination))
        // Outside any tunnel a link-layer weird has no addresses, even right after a tunnelled frame.
        let short = decode([0x00, 0x01], decoder: &decoder)
        #expect(short.weirdNames == ["truncated_ethernet_frame"])
        #expect(short.weirds.first?.id == nil)
    }

    @Test func fragmentsInATunnelReassembleWithTheirParent() {
        let payload = Build.udp(sourcePort: 1000, destinationPort: 2000, [UInt8](repeating: 0x5a, count: 40))
        let first = Build.ipv4(proto: 17, Array(payload[0..<24]), id: 9, flags: 0x2000)
        let second = Build.ipv4(proto: 17, Array(payload[24...]), id: 9, flags: 3)
        var decoder = PacketDecoder()
        let sinkFirst = decode(Build.ethernet(type: 0x0800, Build.ipv4(
            proto: 4, first, source: TunnelTests.outerSource, destination: TunnelTests.outerDestination)), decoder: &decoder)
        #expect(sinkFirst.packets.isEmpty && sinkFirst.weirds.isEmpty)
        let sink = decode(Build.ethernet(type: 0x0800, Build.ipv4(
            proto: 4, second, source: TunnelTests.outerSource, destination: TunnelTests.outerDestination)), decoder: &decoder)
        #expect(sink.weirds.isEmpty)
        #expect(sink.packets.count == 1)
        #expect(sink.packets.first?.tunnel?.kind == .ipInIP)
        #expect(sink.packets.first?.destinationPort == 2000)
        #expect(sink.payloads.first == [UInt8](repeating: 0x5a, count: 40))
        #expect(decoder.counters.reassembled == 1)
    }
}

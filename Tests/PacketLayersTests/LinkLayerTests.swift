import FleetModel
@testable import PacketLayers
import Testing

@Suite("Link layers")
struct LinkLayerTests {
    static let ipPacket = Build.ipv4(proto: 6, Build.tcp(Array("hello".utf8)))

    func expectSYN(_ sink: CollectingSink, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sink.weirds.isEmpty, sourceLocation: sourceLocation)
        #expect(sink.packets.count == 1, sourceLocation: sourceLocation)
        guard let packet = sink.packets.first else { return }
        #expect(packet.source == IPAddress(bytes: Build.client4), sourceLocation: sourceLocation)
        #expect(packet.destination == IPAddress(bytes: Build.server4), sourceLocation: sourceLocation)
        #expect(packet.destinationPort == 80, sourceLocation: sourceLocation)
        #expect(sink.payloads.first == Array("hello".utf8), sourceLocation: sourceLocation)
    }

    @Test func ethernet() {
        let sink = decode(Build.ethernet(type: 0x0800, Self.ipPacket))
        expectSYN(sink)
        #expect(sink.packets.first?.vlan == nil)
    }

    @Test func ethernetPaddingIsCut() {
        let frame = Build.ethernet(type: 0x0800, Self.ipPacket) + [UInt8](repeating: 0, count: 12)
        let sink = decode(frame, wireLength: frame.count)
        expectSYN(sink)
        #expect(sink.packets.first?.ipLength == Self.ipPacket.count)
        #expect(sink.packets.first?.checksumValid == true)
    }

    @Test func singleVLAN() {
        let frame = Build.ethernet(type: 0x8100, be16(0x2000 | 42) + be16(0x0800) + Self.ipPacket)
        let sink = decode(frame)
        expectSYN(sink)
        #expect(sink.packets.first?.vlan == 42)
        #expect(sink.packets.first?.innerVLAN == nil)
    }

    @Test(arguments: [0x88a8, 0x9100, 0x8100])
    func qinq(outerType: Int) {
        let frame = Build.ethernet(type: outerType, be16(13) + be16(0x8100) + be16(10) + be16(0x0800) + Self.ipPacket)
        let sink = decode(frame)
        expectSYN(sink)
        #expect(sink.packets.first?.vlan == 13)
        #expect(sink.packets.first?.innerVLAN == 10)
    }

    @Test func mplsStackThenIP() {
        let labels: [UInt8] = [0x00, 0x01, 0x20, 0x40, 0x00, 0x02, 0x21, 0x40]  // second label has bottom-of-stack
        expectSYN(decode(Build.ethernet(type: 0x8847, labels + Self.ipPacket)))
    }

    @Test func mplsInsideVLAN() {
        let frame = Build.ethernet(type: 0x8100, be16(7) + be16(0x8847) + [0x00, 0x01, 0x21, 0x40] + Self.ipPacket)
        let sink = decode(frame)
        expectSYN(sink)
        #expect(sink.packets.first?.vlan == 7)
    }

    @Test func mplsWithoutIP() {
        let sink = decode(Build.ethernet(type: 0x8847, [0x00, 0x01, 0x21, 0x40] + [0x00] + [UInt8](repeating: 0, count: 30)))
        #expect(sink.weirdNames == ["no_ip_in_mpls_payload"])
    }

    @Test func pppoeSession() {
        let pppoe: [UInt8] = [0x11, 0x00, 0x00, 0x01] + be16(Self.ipPacket.count + 2) + [0x00, 0x21]
        expectSYN(decode(Build.ethernet(type: 0x8864, pppoe + Self.ipPacket)))
        let v6 = Build.ipv6(next: 17, Build.udp(source: Build.client6, destination: Build.server6))
        let sink = decode(Build.ethernet(type: 0x8864, [0x11, 0, 0, 1] + be16(v6.count + 2) + [0x00, 0x57] + v6))
        #expect(sink.packets.first?.ipProto == 17)
        #expect(sink.packets.first?.checksumValid == true)
    }

    @Test func nonIPIsCountedNotWeird() {
        var decoder = PacketDecoder()
        let arp = Build.ethernet(type: 0x0806, [UInt8](repeating: 0, count: 28))
        let lldp = Build.ethernet(type: 0x88cc, [UInt8](repeating: 0, count: 20))
        let lcp = Build.ethernet(type: 0x8864, [0x11, 0, 0, 1, 0, 6, 0xc0, 0x21, 1, 1, 0, 4])
        for frame in [arp, lldp, lcp] {
            let sink = decode(frame, decoder: &decoder)
            #expect(sink.weirds.isEmpty && sink.packets.isEmpty)
        }
        #expect(decoder.counters.nonIP == 3)
        #expect(decoder.counters.weirds == 0)
    }

    @Test func llcSnap() {
        let snap: [UInt8] = [0xaa, 0xaa, 0x03, 0, 0, 0] + be16(0x0800)
        let frame = Build.serverMAC + Build.clientMAC + be16(snap.count + Self.ipPacket.count) + snap + Self.ipPacket
        expectSYN(decode(frame))
    }

    @Test func linuxSLL() {
        let header: [UInt8] = [0, 0, 0, 1, 0, 6] + Build.clientMAC + [0, 0] + be16(0x0800)
        expectSYN(decode(header + Self.ipPacket, linkType: .linuxSLL))
    }

    @Test func linuxSLL2() {
        let header: [UInt8] = be16(0x0800) + [0, 0] + [0, 0, 0, 2] + [0, 1, 0, 6] + Build.clientMAC + [0, 0]
        #expect(header.count == 20)
        expectSYN(decode(header + Self.ipPacket, linkType: .linuxSLL2))
    }

    @Test(arguments: [LinkType.raw, .rawLinktype, .ipv4])
    func rawIPv4(linkType: LinkType) {
        expectSYN(decode(Self.ipPacket, linkType: linkType))
    }

    @Test func rawIPv6() {
        let packet = Build.ipv6(next: 6, Build.tcp(source: Build.client6, destination: Build.server6))
        for linkType in [LinkType.raw, .rawLinktype, .ipv6] {
            let sink = decode(packet, linkType: linkType)
            #expect(sink.packets.first?.source == IPAddress(bytes: Build.client6))
            #expect(sink.packets.first?.checksumValid == true)
        }
    }

    @Test func bsdNullBothByteOrders() {
        expectSYN(decode([2, 0, 0, 0] + Self.ipPacket, linkType: .null))
        expectSYN(decode([0, 0, 0, 2] + Self.ipPacket, linkType: .null))
        let v6 = Build.ipv6(next: 17, Build.udp(source: Build.client6, destination: Build.server6))
        for family: UInt8 in [24, 28, 30] {
            #expect(decode([family, 0, 0, 0] + v6, linkType: .null).packets.count == 1)
        }
        var decoder = PacketDecoder()
        _ = decode([7, 0, 0, 0] + Self.ipPacket, linkType: .null, decoder: &decoder)
        #expect(decoder.counters.nonIP == 1)
    }

    @Test func openBSDLoop() {
        expectSYN(decode([0, 0, 0, 2] + Self.ipPacket, linkType: .loop))
    }

    @Test func ppp() {
        expectSYN(decode([0xff, 0x03, 0x00, 0x21] + Self.ipPacket, linkType: .ppp))
        expectSYN(decode([0x00, 0x21] + Self.ipPacket, linkType: .ppp))
        expectSYN(decode([0x21] + Self.ipPacket, linkType: .ppp))
        expectSYN(decode([0xff, 0x03, 0x00, 0x21] + Self.ipPacket, linkType: .pppSerial))
        expectSYN(decode([0x0f, 0x00, 0x08, 0x00] + Self.ipPacket, linkType: .pppSerial))
    }

    @Test func nflog() {
        // Header (AF_INET, version 0, resource 1), a prefix TLV (type 10, 7 bytes + 1 pad), a payload TLV (type 9).
        var frame: [UInt8] = [2, 0, 0, 1]
        frame += [7, 0, 10, 0, 0x61, 0x62, 0x00, 0x00]
        frame += [UInt8((Self.ipPacket.count + 4) & 0xff), UInt8((Self.ipPacket.count + 4) >> 8), 9, 0] + Self.ipPacket
        expectSYN(decode(frame, linkType: .nflog))
        let broken = decode([2, 0, 0, 1, 2, 0, 9, 0], linkType: .nflog)
        #expect(broken.weirdNames == ["nflog_bad_tlv_length"])
    }

    @Test func unsupportedLinkTypeWeirdOnce() {
        var decoder = PacketDecoder()
        let first = decode(Self.ipPacket, linkType: LinkType(rawValue: 147), decoder: &decoder)
        let second = decode(Self.ipPacket, linkType: LinkType(rawValue: 147), decoder: &decoder)
        #expect(first.weirdNames == ["unsupported_link_type"])
        #expect(second.weirds.isEmpty)
        #expect(decoder.counters.unsupportedLinkType == 2)
    }

    @Test func truncatedEthernet() {
        let sink = decode(Array(Build.tcpSYN.prefix(8)))
        #expect(sink.weirdNames == ["truncated_ethernet_frame"])
        #expect(sink.weirds.first?.source == "ETHERNET")
        #expect(sink.weirds.first?.id == nil)
    }

    @Test func truncatedVLAN() {
        #expect(decode(Build.ethernet(type: 0x8100, [0, 1])).weirdNames == ["truncated_VLAN_header"])
    }

    @Test func everyLinkTypeSurvivesEveryTruncation() {
        let frames: [(LinkType, [UInt8])] = [
            (.ethernet, Build.ethernet(type: 0x88a8, be16(13) + be16(0x8100) + be16(10) + be16(0x0800) + Self.ipPacket)),
            (.ethernet, Build.ethernet(type: 0x8864, [0x11, 0, 0, 1] + be16(Self.ipPacket.count + 2) + [0, 0x21] + Self.ipPacket)),
            (.ethernet, Build.ethernet(type: 0x8847, [0, 1, 0x20, 0x40, 0, 2, 0x21, 0x40] + Self.ipPacket)),
            (.linuxSLL, [0, 0, 0, 1, 0, 6] + Build.clientMAC + [0, 0] + be16(0x0800) + Self.ipPacket),
            (.linuxSLL2, be16(0x0800) + [UInt8](repeating: 0, count: 18) + Self.ipPacket),
            (.null, [2, 0, 0, 0] + Self.ipPacket),
            (.loop, [0, 0, 0, 2] + Self.ipPacket),
            (.ppp, [0xff, 0x03, 0x00, 0x21] + Self.ipPacket),
            (.pppSerial, [0xff, 0x03, 0x00, 0x21] + Self.ipPacket),
            (.nflog, [2, 0, 0, 1] + [UInt8((Self.ipPacket.count + 4) & 0xff), 0, 9, 0] + Self.ipPacket),
            (.raw, Self.ipPacket),
        ]
        for (linkType, frame) in frames {
            let result = checkEveryTruncation(frame, linkType: linkType)
            #expect(!result.badRange, "\(linkType.rawValue)")
            // NFLOG without a payload TLV is non-IP, so it is never silent; nor is any other prefix.
            #expect(result.silent.isEmpty, "link type \(linkType.rawValue): silent at \(result.silent)")
        }
    }
}

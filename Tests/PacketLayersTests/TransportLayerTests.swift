import FleetModel
@testable import PacketLayers
import Testing

@Suite("TCP, UDP, ICMP")
struct TransportLayerTests {
    @Test func tcpFields() {
        let segment = Build.tcp(sourcePort: 51000, destinationPort: 443, sequence: 0xdead_beef, acknowledgment: 7,
                                flags: 0x18, window: 512, options: [1, 1, 1, 0], Array("GET".utf8))
        let sink = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, segment)))
        let packet = sink.packets.first
        #expect(packet?.sourcePort == 51000)
        #expect(packet?.destinationPort == 443)
        #expect(packet?.tcp == TCPSegmentInfo(sequence: 0xdead_beef, acknowledgment: 7, flags: [.psh, .ack], window: 512))
        #expect(packet?.payloadLength == 3)
        #expect(packet?.checksumValid == true)
        #expect(sink.payloads.first == Array("GET".utf8))
    }

    @Test func badTransportChecksumsAreDeliveredMarked() {
        let tcp = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, Build.tcp(corruptChecksum: true))))
        #expect(tcp.packets.first?.checksumValid == false)
        #expect(tcp.weirds.isEmpty)
        let udp = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, Build.udp([1], corruptChecksum: true))))
        #expect(udp.packets.first?.checksumValid == false)
        let icmp = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 1, Build.icmp(type: 8, corruptChecksum: true))))
        #expect(icmp.packets.first?.checksumValid == false)
        var off = DecoderConfiguration()
        off.verifyChecksums = false
        let unchecked = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, Build.tcp(corruptChecksum: true))), configuration: off)
        #expect(unchecked.packets.first?.checksumValid == true)
    }

    @Test func udpZeroChecksum() {
        let v4 = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, Build.udp([1, 2], zeroChecksum: true))))
        #expect(v4.packets.first?.checksumValid == true)
        let v6 = decode(Build.ethernet(type: 0x86dd, Build.ipv6(next: 17, Build.udp([1, 2], source: Build.client6, destination: Build.server6, zeroChecksum: true))))
        #expect(v6.packets.first?.checksumValid == false)
    }

    @Test func udpLengthMismatch() {
        let sink = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, Build.udp([1, 2, 3, 4], length: 10, zeroChecksum: true))))
        #expect(sink.weirdNames == ["UDP_datagram_length_mismatch"])
        #expect(sink.weirds.first?.id?.originatorPort == 53000)
        #expect(sink.packets.first?.payloadLength == 2)
        #expect(sink.payloads.first == [1, 2])
    }

    @Test func icmpAndICMPv6() {
        let echo = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 1, Build.icmp(type: 8, [0, 1, 0, 2], [9, 9, 9]))))
        #expect(echo.packets.first?.icmpType == 8)
        #expect(echo.packets.first?.payloadLength == 3)
        #expect(echo.packets.first?.checksumValid == true)
        let unreachable = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 1, Build.icmp(type: 3, code: 3))))
        #expect(unreachable.packets.first?.icmpCode == 3)
        let v6 = Build.icmp(type: 135, [0, 0, 0, 0], [UInt8](repeating: 1, count: 16), v6Source: Build.client6, v6Destination: Build.server6)
        let neighbor = decode(Build.ethernet(type: 0x86dd, Build.ipv6(next: 58, v6)))
        #expect(neighbor.packets.first?.ipProto == 58)
        #expect(neighbor.packets.first?.icmpType == 135)
        #expect(neighbor.packets.first?.checksumValid == true)
    }

    @Test func snaplenCutSkipsChecksumWithoutWeird() {
        let frame = Build.ethernet(type: 0x0800, Build.ipv4(proto: 1, Build.icmp(type: 8, [0, 1, 0, 1], [UInt8](repeating: 7, count: 56), corruptChecksum: true)))
        let sink = decode(Array(frame.prefix(60)), wireLength: frame.count)
        #expect(sink.weirds.isEmpty)
        #expect(sink.packets.first?.checksumValid == true)
        #expect(sink.packets.first?.payloadLength == 56)
        #expect(sink.payloads.first?.count == 60 - 14 - 20 - 8)
    }

    @Test func headerTruncationNames() {
        // ICMP header cut by the capture: internally_truncated_header with the addresses, ports 0 (Zeek's icmp-header-trunc).
        let frame = Build.ethernet(type: 0x0800, Build.ipv4(proto: 1, Build.icmp(type: 8, [0, 1, 0, 1], [UInt8](repeating: 0, count: 56))))
        let sink = decode(Array(frame.prefix(40)), wireLength: frame.count)
        #expect(sink.weirdNames == ["internally_truncated_header"])
        #expect(sink.weirds.first?.source == "ICMP")
        #expect(sink.weirds.first?.id == ConnID(originatorHost: IPAddress(bytes: Build.client4), originatorPort: 0,
                                                responderHost: IPAddress(bytes: Build.server4), responderPort: 0))
        // Stated IP length leaves no room for a TCP header: truncated_header.
        let short = Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, [0, 1, 0, 2, 0, 0, 0, 0]))
        #expect(decode(short).weirdNames == ["truncated_header"])
        // Data offset below 5 words.
        var tcp = Build.tcp()
        tcp[12] = 0x40
        #expect(decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, tcp))).weirdNames == ["bad_TCP_header_len"])
        // Data offset past the segment.
        tcp[12] = 0xf0
        #expect(decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, tcp))).weirdNames == ["truncated_header"])
    }
}

/// `InternetChecksum.sum` (64-bit words with end-around carry, 8/4/2/1-byte tails) against a plain RFC 1071 sum.
@Suite struct InternetChecksumTests {
    static func reference(_ bytes: [UInt8], _ range: Range<Int>, initial: UInt64) -> UInt16 {
        var total = initial
        var index = range.lowerBound
        while index + 1 < range.upperBound {
            total += UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            index += 2
        }
        if index < range.upperBound { total += UInt64(bytes[index]) << 8 }
        return InternetChecksum.fold(total)
    }

    @Test func optionlessIPv4HeaderSumFoldsLikeTheGeneralSum() {
        var state: UInt64 = 99
        for _ in 0..<2000 {
            let header: [UInt8] = (0..<23).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            header.withUnsafeBytes { raw in
                for offset in 0...3 {
                    let fast = raw.words20(offset).map { InternetChecksum.fold($0.sum) }
                    #expect(fast == InternetChecksum.fold(InternetChecksum.sum(raw, offset..<offset + 20)))
                }
                #expect(raw.words20(4) == nil)
            }
        }
        [UInt8](repeating: 0, count: 20).withUnsafeBytes { raw in
            #expect(raw.words20(0).map { InternetChecksum.fold($0.sum) } == 0)
        }
    }

    @Test func agreesWithAPlainSumAtEveryLengthAndAlignment() {
        var state: UInt64 = 0x1234_5678
        let bytes: [UInt8] = (0..<400).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let ones = [UInt8](repeating: 0xff, count: 400)
        for sample in [bytes, ones] {
            sample.withUnsafeBytes { raw in
                for start in 0..<9 {
                    for end in start...sample.count {
                        for initial: UInt64 in [0, 0xfffe] {
                            let sum = InternetChecksum.fold(InternetChecksum.sum(raw, start..<end, initial: initial))
                            let expected = Self.reference(sample, start..<end, initial: initial)
                            // 0 and 0xffff are the same ones'-complement value.
                            #expect(sum % 0xffff == expected % 0xffff, "\(start)..<\(end)")
                        }
                    }
                }
            }
        }
    }
}

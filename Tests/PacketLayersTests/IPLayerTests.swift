import FleetModel
@testable import PacketLayers
import Testing

@Suite("IPv4 and IPv6")
struct IPLayerTests {
    @Test func ipv4WithOptions() {
        let options: [UInt8] = [0x94, 0x04, 0x00, 0x00]  // router alert
        let ip = Build.ipv4(proto: 17, Build.udp(Array("dns".utf8)), options: options)
        let sink = decode(Build.ethernet(type: 0x0800, ip))
        #expect(sink.weirds.isEmpty)
        let packet = sink.packets.first
        #expect(packet?.ipLength == 24 + 8 + 3)
        #expect(packet?.sourcePort == 53000)
        #expect(packet?.destinationPort == 53)
        #expect(packet?.payloadLength == 3)
        #expect(sink.payloads.first == Array("dns".utf8))
    }

    @Test func badIPChecksumDropsWithAddresses() {
        let sink = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, Build.tcp(), checksum: 0x1111)))
        #expect(sink.packets.isEmpty)
        #expect(sink.weirdNames == ["bad_IP_checksum"])
        #expect(sink.weirds.first?.id?.originatorHost == IPAddress(bytes: Build.client4))
        var configuration = DecoderConfiguration()
        configuration.verifyChecksums = false
        let unchecked = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, Build.tcp(), checksum: 0x1111)), configuration: configuration)
        #expect(unchecked.packets.count == 1)
    }

    @Test func zeekOrderOfIPv4HeaderChecks() {
        // Zero total length: ip_hdr_len_zero, dropped when checksums are verified.
        let zero = Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, Build.tcp(), totalLength: 0))
        #expect(decode(zero).weirdNames == ["ip_hdr_len_zero"])
        var relaxed = DecoderConfiguration()
        relaxed.verifyChecksums = false
        let coped = decode(zero, configuration: relaxed)
        #expect(coped.weirdNames == ["ip_hdr_len_zero"])
        #expect(coped.packets.count == 1)
        // IP length beyond the wire length.
        let long = Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, Build.tcp(), totalLength: 200))
        #expect(decode(long, wireLength: long.count).weirdNames == ["truncated_IP_len"])
        // Unknown wire length: a snaplen cut, delivered without checksum verification.
        let cut = decode(long)
        #expect(cut.weirds.isEmpty)
        #expect(cut.packets.first?.checksumValid == true)
        // Header longer than the stated total length.
        var broken = Build.ipv4(proto: 6, [], totalLength: 20)
        broken[0] = 0x4f
        #expect(decode(Build.ethernet(type: 0x0800, broken + [UInt8](repeating: 0, count: 40))).weirdNames == ["invalid_IP_header_size"])
        // Header longer than what was captured.
        var options = Build.ipv4(proto: 6, [UInt8](repeating: 0, count: 100))
        options[0] = 0x4f
        let optionsFrame = Build.ethernet(type: 0x0800, Array(options.prefix(30)))
        #expect(decode(optionsFrame, wireLength: 14 + options.count).weirdNames == ["internally_truncated_header"])
        // IHL below 5.
        var small = Build.ipv4(proto: 6, Build.tcp())
        small[0] = 0x44
        #expect(decode(Build.ethernet(type: 0x0800, small)).weirdNames == ["IPv4_min_header_size"])
        // Fewer than 20 bytes; unknown version.
        #expect(decode(Build.ethernet(type: 0x0800, [0x45, 0, 0])).weirdNames == ["truncated_IP"])
        var version = Build.ipv4(proto: 6, Build.tcp())
        version[0] = 0x55
        #expect(decode(Build.ethernet(type: 0x0800, version)).weirdNames == ["unknown_ip_version"])
    }

    @Test func ipv6ExtensionHeaders() {
        let udp = Build.udp(Array("x".utf8), source: Build.client6, destination: Build.server6)
        let hopByHop: [UInt8] = [60, 0, 1, 4, 0, 0, 0, 0]
        let destinationOptions: [UInt8] = [43, 0, 1, 4, 0, 0, 0, 0]
        let routing: [UInt8] = [51, 0, 0, 0, 0, 0, 0, 0]
        let authentication: [UInt8] = [17, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]  // 12 bytes: (1 + 2) * 4
        let packet = Build.ipv6(next: 0, hopByHop + destinationOptions + routing + authentication + udp)
        let sink = decode(Build.ethernet(type: 0x86dd, packet))
        #expect(sink.weirds.isEmpty)
        #expect(sink.packets.first?.ipProto == 17)
        #expect(sink.packets.first?.ipLength == packet.count)
        #expect(sink.packets.first?.checksumValid == true)
        #expect(sink.payloads.first == Array("x".utf8))
    }

    @Test func ipv6AtomicFragment() {
        let udp = Build.udp(source: Build.client6, destination: Build.server6)
        let sink = decode(Build.ethernet(type: 0x86dd, Build.ipv6(next: 44, [17, 0, 0, 0, 0, 0, 0, 9] + udp)))
        #expect(sink.packets.first?.ipProto == 17)
    }

    @Test func ipv6Truncations() {
        // Header cut: truncated_IP. Stated length beyond the wire: truncated_IP_len (Zeek's ip6-ext-trunc).
        let packet = Build.ipv6(next: 0, [], payloadLength: 20)
        let frame = Build.ethernet(type: 0x86dd, packet)
        #expect(decode(Array(frame.prefix(48))).weirdNames == ["truncated_IP"])
        #expect(decode(frame, wireLength: frame.count).weirdNames == ["truncated_IP_len"])
        // Extension header chain past the capture (wire length unknown).
        #expect(decode(frame).weirdNames == ["internally_truncated_header"])
        // Chain past the stated length.
        let overlong = Build.ipv6(next: 0, [6, 2] + [UInt8](repeating: 0, count: 30), payloadLength: 8)
        #expect(decode(Build.ethernet(type: 0x86dd, overlong)).weirdNames == ["invalid_IP_header_size"])
        // No next header outside Teredo.
        #expect(decode(Build.ethernet(type: 0x86dd, Build.ipv6(next: 59, []))).weirdNames == ["ipv6_no_next"])
    }

    @Test func otherTransportsAreDeliveredWithoutPorts() {
        let sink = decode(Build.ethernet(type: 0x0800, Build.ipv4(proto: 50, [1, 2, 3, 4, 5, 6, 7, 8])))
        #expect(sink.packets.first?.ipProto == 50)
        #expect(sink.packets.first?.sourcePort == 0)
        #expect(sink.packets.first?.payloadLength == 8)
    }

    @Test func everyTruncationOfIPFrames() {
        let options: [UInt8] = [0x94, 0x04, 0x00, 0x00]
        let frames: [[UInt8]] = [
            Build.ethernet(type: 0x0800, Build.ipv4(proto: 6, Build.tcp(options: [2, 4, 5, 0xb4], [1, 2, 3]), options: options)),
            Build.ethernet(type: 0x86dd, Build.ipv6(next: 0, [17, 0, 1, 4, 0, 0, 0, 0] + Build.udp([9], source: Build.client6, destination: Build.server6))),
            Build.ethernet(type: 0x86dd, Build.ipv6(next: 58, Build.icmp(type: 128, [0, 1, 0, 1], [1, 2], v6Source: Build.client6, v6Destination: Build.server6))),
        ]
        for frame in frames {
            let result = checkEveryTruncation(frame)
            #expect(!result.badRange)
            #expect(result.silent.isEmpty, "silent at \(result.silent)")
        }
    }
}

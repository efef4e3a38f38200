import Capture
import FleetModel
import Foundation
import PcapWriter
import Testing

/// PcapWriter: bytes checked by hand and round-tripped through libpcap.
@Suite struct PcapWriterTests {
    static let client = Endpoint("10.0.0.1", 40_000)
    static let server = Endpoint("10.0.0.2", 80)

    /// Writes `bytes` to a temp file and reads every packet back with libpcap.
    static func readBack(_ bytes: [UInt8]) throws -> (linkType: Int32, packets: [(NetworkTime, [UInt8], Int)]) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pcapwriter-\(UUID().uuidString).pcap")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let reader = try PcapFileReader(path: url.path)
        var packets: [(NetworkTime, [UInt8], Int)] = []
        try reader.forEachPacket { frame, time, wire in packets.append((time, Array(frame), wire)) }
        return (reader.linkType, packets)
    }

    /// Sum over the transport bytes plus pseudo-header; 0 when the checksum is right.
    static func transportChecksumResidue(_ frame: [UInt8], ipOffset: Int) -> UInt16 {
        var checksum = InternetChecksum()
        if frame[ipOffset] >> 4 == 4 {
            let headerLength = Int(frame[ipOffset] & 0x0f) * 4
            let total = Int(frame[ipOffset + 2]) << 8 | Int(frame[ipOffset + 3])
            let proto = frame[ipOffset + 9]
            if proto != 1 {
                checksum.add(frame[(ipOffset + 12)..<(ipOffset + 20)])
                checksum.add(word: UInt16(proto))
                checksum.add(word: UInt16(total - headerLength))
            }
            checksum.add(frame[(ipOffset + headerLength)..<(ipOffset + total)])
        } else {
            let length = Int(frame[ipOffset + 4]) << 8 | Int(frame[ipOffset + 5])
            checksum.add(frame[(ipOffset + 8)..<(ipOffset + 40)])
            checksum.add(word32: UInt32(length))
            checksum.add(word: UInt16(frame[ipOffset + 6]))
            checksum.add(frame[(ipOffset + 40)..<(ipOffset + 40 + length)])
        }
        return checksum.value
    }

    @Test func fileHeaderIsClassicMicrosecondLittleEndian() {
        let writer = PcapFileWriter(linkType: 101, snapshotLength: 65_535)
        #expect(writer.bytes == [
            0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0xff, 0xff, 0, 0, 101, 0, 0, 0,
        ])
    }

    @Test func recordHeaderAndTruncationToSnaplen() {
        var writer = PcapFileWriter(linkType: 1, snapshotLength: 4)
        writer.append([1, 2, 3, 4, 5, 6], seconds: 0x0102_0304, microseconds: 999_999)
        #expect(Array(writer.bytes[24...]) == [
            0x04, 0x03, 0x02, 0x01, 0x3f, 0x42, 0x0f, 0x00, 4, 0, 0, 0, 6, 0, 0, 0, 1, 2, 3, 4,
        ])
        #expect(writer.packetCount == 1)
        #expect(writer.totalBytes == 24 + 16 + 4)
    }

    @Test func roundTripsThroughLibpcap() throws {
        var builder = PacketBuilder()
        var writer = PcapFileWriter()
        let syn = builder.tcp(from: Self.client, to: Self.server, sequence: 7, flags: [.syn])
        let dns = builder.udp(from: Endpoint("10.0.0.1", 5353), to: Endpoint("10.0.0.53", 53),
                              payload: DNSMessageBuilder.query(id: 1, name: "example.com", type: 1))
        writer.append(syn, microsecondsSinceEpoch: 1_700_000_000_000_001)
        writer.append(TimedFrame(time: NetworkTime(microseconds: 1_700_000_000_500_000), bytes: dns))
        // Streaming: taking bytes part-way leaves a file that concatenates to the same thing.
        let first = writer.takeBytes()
        writer.append(syn, seconds: 1_700_000_001, microseconds: 0, wireLength: 2_000)
        let file = first + writer.takeBytes()
        let (linkType, packets) = try Self.readBack(file)
        #expect(linkType == 1)
        #expect(packets.count == 3)
        #expect(packets[0].0 == NetworkTime(microseconds: 1_700_000_000_000_001))
        #expect(packets[0].1 == syn)
        #expect(packets[1].1 == dns)
        #expect(packets[1].0 == NetworkTime(microseconds: 1_700_000_000_500_000))
        #expect(packets[2].2 == 2_000)
        #expect(packets[2].1.count == syn.count)
    }

    @Test func ipv4TCPFrameHasCorrectLengthsAndChecksums() {
        var builder = PacketBuilder()
        let payload = Array("hello".utf8)
        let frame = builder.tcp(from: Self.client, to: Self.server, sequence: 0x0102_0304, acknowledgment: 9,
                                flags: [.ack, .psh], payload: payload)
        #expect(frame.count == 14 + 20 + 20 + 5)
        #expect(frame[12] == 0x08 && frame[13] == 0x00)
        #expect(frame[14] == 0x45)
        #expect(Int(frame[16]) << 8 | Int(frame[17]) == 45)
        #expect(frame[23] == 6)
        #expect(InternetChecksum.compute(frame[14..<34]) == 0)
        #expect(Array(frame[34..<36]) == [0x9c, 0x40])  // 40000
        #expect(Array(frame[38..<42]) == [1, 2, 3, 4])
        #expect(frame[46] == 0x50)
        #expect(frame[47] == 0x18)
        #expect(Self.transportChecksumResidue(frame, ipOffset: 14) == 0)
        #expect(Array(frame[54...]) == payload)
        // The identification counter advances per packet.
        let second = builder.tcp(from: Self.client, to: Self.server, sequence: 1, flags: [.ack])
        #expect(Int(second[18]) << 8 | Int(second[19]) == (Int(frame[18]) << 8 | Int(frame[19])) + 1)
    }

    @Test func corruptChecksumOptionBreaksOnlyTheTransportChecksum() {
        var builder = PacketBuilder()
        builder.corruptTransportChecksum = true
        let frame = builder.udp(from: Self.client, to: Self.server, payload: [1, 2, 3])
        #expect(InternetChecksum.compute(frame[14..<34]) == 0)
        #expect(Self.transportChecksumResidue(frame, ipOffset: 14) != 0)
    }

    @Test func vlanTagSitsBeforeTheEthertype() {
        var builder = PacketBuilder(vlan: 42)
        let frame = builder.udp(from: Self.client, to: Self.server, payload: [0xaa])
        #expect(Array(frame[12..<18]) == [0x81, 0x00, 0x00, 42, 0x08, 0x00])
        #expect(frame.count == 18 + 20 + 8 + 1)
        #expect(Self.transportChecksumResidue(frame, ipOffset: 18) == 0)
    }

    @Test func ipv6UDPAndICMPv6Checksums() {
        var builder = PacketBuilder()
        let source = Endpoint("2001:db8::1", 1234)
        let destination = Endpoint("2001:db8::53", 53)
        let frame = builder.udp(from: source, to: destination, payload: Array(repeating: 7, count: 11))
        #expect(frame[12] == 0x86 && frame[13] == 0xdd)
        #expect(frame[14] >> 4 == 6)
        #expect(Int(frame[18]) << 8 | Int(frame[19]) == 19)
        #expect(frame[20] == 17)
        #expect(Self.transportChecksumResidue(frame, ipOffset: 14) == 0)
        let echo = builder.icmpEchoRequest(from: source.address, to: destination.address, identifier: 1, sequence: 2, payload: [1, 2, 3])
        #expect(echo[20] == 58 && echo[54] == 128)
        #expect(Self.transportChecksumResidue(echo, ipOffset: 14) == 0)
    }

    @Test func icmpv4EchoAndRawIPLink() {
        var builder = PacketBuilder(link: .rawIP)
        let frame = builder.icmpEchoReply(from: Self.client.address, to: Self.server.address, identifier: 0x1234, sequence: 1, payload: [9, 9])
        #expect(builder.link.pcapLinkType == 101)
        #expect(frame.count == 20 + 8 + 2)
        #expect(frame[0] == 0x45 && frame[9] == 1)
        #expect(Array(frame[20..<22]) == [0, 0])
        #expect(Array(frame[24..<28]) == [0x12, 0x34, 0, 1])
        #expect(Self.transportChecksumResidue(frame, ipOffset: 0) == 0)
    }

    @Test func tcpConversationKeepsSequenceAndAcknowledgmentConsistent() {
        var conversation = TCPConversation(
            client: Self.client, server: Self.server, start: NetworkTime(seconds: 100, microseconds: 0),
            clientISN: 1_000, serverISN: 5_000
        )
        conversation.handshake()
        conversation.send(Array(repeating: 0x41, count: 100), from: .client)
        conversation.send(Array(repeating: 0x42, count: 3_000), from: .server)
        conversation.close(from: .client)
        let frames = conversation.takeFrames()
        func field(_ frame: [UInt8], _ offset: Int) -> UInt32 {
            frame[(34 + offset)..<(38 + offset)].reduce(0) { $0 << 8 | UInt32($1) }
        }
        func flags(_ frame: [UInt8]) -> UInt8 { frame[47] }
        // SYN, SYN-ACK, ACK, data(100), ACK, 3 server segments with one ACK after two, final ACK, FIN, FIN, ACK.
        #expect(frames.count == 13)
        #expect(flags(frames[0].bytes) == 0x02 && field(frames[0].bytes, 4) == 1_000)
        #expect(flags(frames[1].bytes) == 0x12 && field(frames[1].bytes, 4) == 5_000 && field(frames[1].bytes, 8) == 1_001)
        #expect(flags(frames[2].bytes) == 0x10 && field(frames[2].bytes, 4) == 1_001 && field(frames[2].bytes, 8) == 5_001)
        #expect(field(frames[3].bytes, 4) == 1_001 && frames[3].bytes.count == 54 + 100)
        #expect(field(frames[4].bytes, 8) == 1_101)
        #expect(field(frames[5].bytes, 4) == 5_001 && frames[5].bytes.count == 54 + 1_448)
        #expect(field(frames[9].bytes, 8) == 5_001 + 3_000)
        #expect(flags(frames[10].bytes) == 0x11 && field(frames[10].bytes, 4) == 1_101)
        #expect(flags(frames[11].bytes) == 0x11 && field(frames[11].bytes, 8) == 1_102)
        #expect(flags(frames[12].bytes) == 0x10 && field(frames[12].bytes, 8) == 5_001 + 3_000 + 1)
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.time < $1.time })
        for frame in frames { #expect(Self.transportChecksumResidue(frame.bytes, ipOffset: 14) == 0) }
        // Server frames mirror the MAC addresses.
        #expect(Array(frames[1].bytes[0..<6]) == Array(frames[0].bytes[6..<12]))
    }

    @Test func dnsQueryAndResponseBytes() {
        let query = DNSMessageBuilder.query(id: 0xbeef, name: "a.io", type: DNSMessageBuilder.typeA)
        #expect(query == [0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 2, 0x69, 0x6f, 0, 0, 1, 0, 1])
        let response = DNSMessageBuilder.response(
            id: 0xbeef, name: "a.io", type: DNSMessageBuilder.typeA,
            answers: [
                DNSAnswer(name: "a.io", data: .cname("b.io"), ttl: 60),
                DNSAnswer(name: "b.io", data: .a(IPAddress("1.2.3.4") ?? .v4(0)), ttl: 0x0102_0304),
            ]
        )
        #expect(Array(response[0..<12]) == [0xbe, 0xef, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0])
        #expect(Array(response[22..<34]) == [0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6])
        #expect(Array(response[34..<40]) == [1, 0x62, 2, 0x69, 0x6f, 0])
        #expect(Array(response[40...]) == [1, 0x62, 2, 0x69, 0x6f, 0, 0, 1, 0, 1, 1, 2, 3, 4, 0, 4, 1, 2, 3, 4])
        let nx = DNSMessageBuilder.response(id: 1, name: "x", type: 28, answers: [], rcode: 3)
        #expect(nx[3] == 0x83)
    }

    @Test func tlsClientHelloCarriesSNIWithConsistentLengths() {
        let hello = TLSPayload.clientHello(serverName: "github.com")
        #expect(hello[0] == 0x16)
        #expect(Int(hello[3]) << 8 | Int(hello[4]) == hello.count - 5)
        #expect(hello[5] == 1)
        #expect(Int(hello[6]) << 16 | Int(hello[7]) << 8 | Int(hello[8]) == hello.count - 9)
        // session id length 0, 7 suites, compression, then the extensions block starting with SNI.
        let extensionsStart = 9 + 2 + 32 + 1 + 2 + 14 + 2
        #expect(Int(hello[extensionsStart]) << 8 | Int(hello[extensionsStart + 1]) == hello.count - extensionsStart - 2)
        let sni = Array(hello[(extensionsStart + 2)..<(extensionsStart + 2 + 4 + 5 + 10)])
        #expect(sni == [0, 0, 0, 15, 0, 13, 0, 0, 10] + Array("github.com".utf8))
        let record = TLSPayload.opaqueRecord(length: 100)
        #expect(record.count == 105 && record[0] == 23 && record[4] == 100)
        #expect(TLSPayload.serverHello()[5] == 2)
    }

    @Test func httpMessages() {
        let request = HTTPPayload.request(uri: "/x?y=1", host: "h", headers: [("User-Agent", "t")])
        #expect(String(decoding: request, as: UTF8.self) == "GET /x?y=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: t\r\n\r\n")
        let response = HTTPPayload.response(body: Array("ok".utf8))
        #expect(String(decoding: response, as: UTF8.self) == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    }
}

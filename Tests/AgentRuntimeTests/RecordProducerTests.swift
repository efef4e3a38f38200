import AgentCore
import AgentRuntime
import Capture
import FleetModel
import Foundation
import Testing

@Suite struct RecordProducerTests {
    /// Ethernet + IPv4 + UDP from 10.0.0.1:sourcePort to 10.0.0.2:9999 with a 4-byte payload.
    static func udpFrame(sourcePort: UInt16) -> [UInt8] {
        var frame: [UInt8] = [0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]
        var ip: [UInt8] = [0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
        var sum: UInt32 = 0
        for index in stride(from: 0, to: ip.count, by: 2) { sum += UInt32(ip[index]) << 8 | UInt32(ip[index + 1]) }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        let checksum = ~UInt16(sum)
        ip[10] = UInt8(checksum >> 8)
        ip[11] = UInt8(checksum & 0xFF)
        frame += ip
        frame += [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xFF), 0x27, 0x0F, 0, 12, 0, 0]
        frame += Array("ping".utf8)
        return frame
    }

    /// A classic pcap file with one UDP packet per source port, one second apart.
    static func writeCapture(flows: Int) throws -> URL {
        var bytes: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0]
        func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        for index in 0..<flows {
            let frame = udpFrame(sourcePort: UInt16(40_000 + index))
            bytes += le32(1_700_000_000 + index) + le32(0) + le32(frame.count) + le32(frame.count) + frame
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fleetwatch-producer-\(UUID().uuidString).pcap")
        try Data(bytes).write(to: url)
        return url
    }

    @Test func replayedFileBecomesBatchesOfConnRecords() async throws {
        let url = try Self.writeCapture(flows: 25)
        defer { try? FileManager.default.removeItem(at: url) }
        var producer = RecordProducer(policy: BatchPolicy(maxRecords: 10))
        var flushes: [RecordAccumulator.Flush] = []
        try await producer.run(PcapFileReader.packetBatches(path: url.path)) { flush in flushes.append(flush) }
        #expect(producer.packets == 25)
        #expect(flushes.map(\.records.count) == [10, 10, 5])
        #expect(flushes.map(\.reason) == [.maxRecords, .maxRecords, .requested])
        let ports = flushes.flatMap(\.records.conns).map(\.id.originatorPort).sorted()
        #expect(ports == (0..<25).map { UInt16(40_000 + $0) })
        #expect(flushes.allSatisfy { $0.records.conns.allSatisfy { $0.proto == .udp && $0.id.responderPort == 9999 } })
    }

    @Test func idleLiveCaptureMovesPacketTimeForward() async throws {
        let url = try Self.writeCapture(flows: 1)
        defer { try? FileManager.default.removeItem(at: url) }
        var producer = RecordProducer(policy: BatchPolicy(maxRecords: 1))
        let now = ContinuousClock.now
        for try await batch in try PcapFileReader.packetBatches(path: url.path) {
            #expect(producer.process(batch, now: now).isEmpty)
        }
        let start: Int64 = 1_700_000_000 * 1_000_000
        // Before the UDP inactivity timeout (60 s) nothing is due; after it the flow's record is.
        #expect(producer.idle(until: NetworkTime(microseconds: start + 30_000_000), now: now).isEmpty)
        let flushes = producer.idle(until: NetworkTime(microseconds: start + 61_000_000), now: now)
        #expect(flushes.map(\.records.conns.count) == [1])
        #expect(flushes.first?.records.conns.first?.interim == false)
        // Time never moves back; nothing is left to flush at the end.
        #expect(producer.idle(until: NetworkTime(microseconds: start), now: now).isEmpty)
        #expect(producer.finish(now: now).isEmpty)
    }
}

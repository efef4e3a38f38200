import Capture
import FleetModel
import Foundation
import Testing

@Suite struct FileReplayTests {
    /// Frame `i` is `i + 20` bytes, every byte equal to `i`.
    static func frame(_ i: Int) -> [UInt8] { [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: i + 20) }

    static func writeFile(packets: Int, truncateBy: Int = 0) throws -> URL {
        var file = PcapFileBytes()
        for i in 0..<packets {
            file.addPacket(seconds: 1_700_000_000 + UInt32(i), microseconds: UInt32(i), frame: frame(i), wireLength: i + 60)
        }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fleetwatch-replay-\(UUID().uuidString).pcap")
        try Data(file.bytes.dropLast(truncateBy)).write(to: url)
        return url
    }

    @Test(arguments: [
        PacketBatchLimits(maxPackets: 1, bufferedBatches: 1),
        PacketBatchLimits(maxPackets: 4, bufferedBatches: 2),
        PacketBatchLimits(maxPackets: 1000, maxBytes: 100, bufferedBatches: 1),
        PacketBatchLimits(),
    ])
    func replaysEveryPacketInOrder(limits: PacketBatchLimits) async throws {
        let url = try Self.writeFile(packets: 37)
        defer { try? FileManager.default.removeItem(at: url) }
        var seen = 0
        var batches = 0
        for try await batch in try PcapFileReader.packetBatches(path: url.path, limits: limits) {
            #expect(batch.linkType == 1)
            #expect(batch.count <= limits.maxPackets)
            #expect(batch.count == 1 || batch.byteCount <= limits.maxBytes)
            batches += 1
            batch.forEach { frame, timestamp, wireLength in
                #expect(Array(frame) == Self.frame(seen))
                #expect(timestamp == NetworkTime(seconds: 1_700_000_000 + Int64(seen), microseconds: Int64(seen)))
                #expect(wireLength == seen + 60)
                seen += 1
            }
        }
        #expect(seen == 37)
        if limits.maxPackets == 4 { #expect(batches == 10) }
    }

    @Test func truncatedFileDeliversPacketsThenThrows() async throws {
        let url = try Self.writeFile(packets: 5, truncateBy: 3)
        defer { try? FileManager.default.removeItem(at: url) }
        var seen = 0
        var failure: CaptureError?
        do {
            for try await batch in try PcapFileReader.packetBatches(path: url.path) { seen += batch.count }
        } catch let error as CaptureError {
            failure = error
        }
        #expect(seen == 4)
        #expect(failure.map { $0 == CaptureError.readFailed($0.message) } == true)
    }

    @Test func missingFileIsCannotOpen() {
        #expect(throws: CaptureError.self) {
            _ = try PcapFileReader.packetBatches(path: "/nonexistent/fleetwatch.pcap")
        }
    }

    @Test func consumerStoppingEarlyEndsTheReplayThread() async throws {
        let url = try Self.writeFile(packets: 200)
        defer { try? FileManager.default.removeItem(at: url) }
        var seen = 0
        for try await batch in try PcapFileReader.packetBatches(
            path: url.path, limits: PacketBatchLimits(maxPackets: 2, bufferedBatches: 1)
        ) {
            seen += batch.count
            if seen >= 10 { break }
        }
        #expect(seen == 10)
    }

    @Test func batchKeepsFramesContiguousAndBounded() {
        var batch = PacketBatch(linkType: 1, reservingBytes: 64, reservingPackets: 4)
        #expect(batch.isEmpty)
        for i in 0..<3 {
            Self.frame(i).withUnsafeBytes { batch.append(frame: $0, timestamp: NetworkTime(microseconds: Int64(i)), wireLength: 0) }
        }
        #expect(batch.count == 3)
        #expect(batch.byteCount == 20 + 21 + 22)
        #expect(batch.timestamp(at: 2) == NetworkTime(microseconds: 2))
        #expect(batch.timestamp(at: 3) == nil)
        var lengths: [Int] = []
        batch.forEach { frame, _, wireLength in
            lengths.append(frame.count)
            #expect(wireLength == frame.count)
        }
        #expect(lengths == [20, 21, 22])
    }
}

import FleetCLI
import FleetModel
import Foundation
import Testing
import ZeekLogs

/// `OfflineAnalysis` on real capture bytes, and on bad input.
@Suite("OfflineAnalysis")
struct OfflineAnalysisTests {
    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fleetctl-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Classic little-endian pcap, Ethernet, one IPv4/UDP datagram 10.0.0.1:12345 -> 10.0.0.2:9999 ("abcd").
    static func udpCapture(truncatedAfter: Int? = nil) -> [UInt8] {
        var bytes: [UInt8] = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]
        let frame: [UInt8] = [
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
            0x45, 0, 0, 32, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
            0x30, 0x39, 0x27, 0x0f, 0, 12, 0, 0, 0x61, 0x62, 0x63, 0x64,
        ]
        let length = UInt8(frame.count)
        bytes += [0x10, 0x27, 0, 0, 0, 0, 0, 0, length, 0, 0, 0, length, 0, 0, 0] + frame
        if let truncatedAfter { bytes = Array(bytes.prefix(truncatedAfter)) }
        return bytes
    }

    static func write(_ bytes: [UInt8], name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func missingFileIsAOneLineError() throws {
        let directory = try Self.temporaryDirectory()
        var options = OfflineAnalysis.Options()
        options.outputDirectory = directory.path
        let missing = directory.appendingPathComponent("nope.pcap").path
        do {
            _ = try OfflineAnalysis.run(files: [missing], options: options)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "\(missing): no such file")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test(arguments: [[UInt8](), Array("#separator \\x09\nnot a capture at all\n".utf8), [0xd4, 0xc3, 0xb2]])
    func nonCaptureIsAOneLineError(content: [UInt8]) throws {
        let directory = try Self.temporaryDirectory()
        let path = try Self.write(content, name: "notes.txt", in: directory)
        var options = OfflineAnalysis.Options()
        options.outputDirectory = directory.path
        // The good capture must not be analysed either when a later argument is bad.
        let good = try Self.write(Self.udpCapture(), name: "good.pcap", in: directory)
        do {
            _ = try OfflineAnalysis.run(files: [good, path], options: options)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix(path))
            #expect(!error.message.contains("\n"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("conn.log").path))
    }

    @Test func analysesACaptureAndWritesOnlyLogsWithRows() throws {
        let directory = try Self.temporaryDirectory()
        let path = try Self.write(Self.udpCapture(), name: "one.pcap", in: directory)
        var options = OfflineAnalysis.Options()
        options.outputDirectory = directory.appendingPathComponent("out").path
        options.ignoreChecksums = true
        options.collectRecords = true
        let result = try OfflineAnalysis.run(files: [path], options: options)
        #expect(result.summary.packets == 1)
        #expect(result.summary.bytes == 46)
        #expect(result.summary.damage == nil)
        #expect(result.summary.rows["conn"] == result.records.conns.count)
        let written = Set(result.summary.filesWritten.map { URL(fileURLWithPath: $0).lastPathComponent })
        let onDisk = Set(try FileManager.default.contentsOfDirectory(atPath: options.outputDirectory ?? ""))
        #expect(written == onDisk)
        if let conn = result.records.conns.first {
            // One single-packet UDP flow 10.0.0.1:12345 -> 10.0.0.2:9999 (Zeek leaves its bytes unset).
            #expect(conn.id.originatorPort == 12345)
            #expect(conn.originatorPackets == 1)
            #expect(conn.originatorIPBytes == 32)
            let text = try String(contentsOfFile: directory.appendingPathComponent("out/conn.log").path, encoding: .utf8)
            #expect(text.hasPrefix("#separator \\x09\n"))
            #expect(text.contains("\t10.0.0.1\t12345\t10.0.0.2\t9999\tudp\t"))
            #expect(text.hasSuffix("\n") && text.contains("\n#close\t"))
        }
    }

    @Test func truncatedCaptureKeepsRecordsAndAddsAWeird() throws {
        let directory = try Self.temporaryDirectory()
        let full = Self.udpCapture()
        // A second packet record whose data is cut short.
        let damaged = full + Array(full[24...].prefix(30))
        let path = try Self.write(damaged, name: "cut.pcap", in: directory)
        var options = OfflineAnalysis.Options()
        options.outputDirectory = nil
        options.ignoreChecksums = true
        options.collectRecords = true
        let result = try OfflineAnalysis.run(files: [path], options: options)
        #expect(result.summary.packets == 1)
        #expect(result.summary.damage?.contains("truncated") == true)
        #expect(result.records.weirds.last?.name == "truncated_capture_file")
        #expect(result.summary.filesWritten.isEmpty)
    }
}

import Capture
import FleetModel
import FleetTesting
import Foundation
import PacketLayers
import Testing

/// Replays Zeek's truncation traces and compares the weirds with Zeek's weird.log baselines.
@Suite("Zeek trace weirds")
struct ZeekTraceWeirdTests {
    static let traces = [
        "trunc-icmp-header-trunc", "trunc-icmp-payload-trunc", "trunc-ip4-trunc", "trunc-ip6-ext-trunc",
        "trunc-ip6-trunc", "trunc-ipv4-internally-truncated-header", "trunc-ipv4-truncated-broken-header",
        "trunc-trunc-hdr", "ip-bogus-header-len",
    ]

    /// One weird.log row reduced to what the decoder can know (no uid).
    struct Row: Hashable, CustomStringConvertible {
        var name: String
        var source: String
        var originator: String
        var responder: String
        var description: String { "\(name)/\(source) \(originator)->\(responder)" }
    }

    static func baseline(_ directory: URL, _ trace: String) throws -> [Row] {
        let file = directory.appendingPathComponent("baselines/\(trace)/weird.log")
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 11 else { return nil }
            return Row(name: fields[6], source: fields[10], originator: "\(fields[2]):\(fields[3])", responder: "\(fields[4]):\(fields[5])")
        }
    }

    static func decodeTrace(_ path: String) throws -> [Row] {
        let reader = try PcapFileReader(path: path)
        var decoder = PacketDecoder()
        var sink = WeirdSink()
        let linkType = LinkType(rawValue: reader.linkType)
        try reader.forEachPacket { frame, timestamp, wireLength in
            decoder.decode(frame: frame, wireLength: wireLength, linkType: linkType, timestamp: timestamp, into: &sink)
        }
        return sink.rows
    }

    struct WeirdSink: PacketSink {
        var rows: [Row] = []
        mutating func receive(_ packet: DecodedPacket, bytes: UnsafeRawBufferPointer) {}
        mutating func weird(_ weird: WeirdRecord) {
            let originator = weird.id.map { "\($0.originatorHost):\($0.originatorPort)" } ?? "-:-"
            let responder = weird.id.map { "\($0.responderHost):\($0.responderPort)" } ?? "-:-"
            rows.append(Row(name: weird.name, source: weird.source ?? "-", originator: originator, responder: responder))
        }
    }

    @Test(arguments: traces)
    func weirdsMatchZeek(trace: String) throws {
        guard let directory = Fixtures.zeekConformanceDirectory else { return }  // conformance set not present: skip
        let path = directory.appendingPathComponent("traces/\(trace).pcap").path
        guard FileManager.default.fileExists(atPath: path) else { return }
        let expected = try Self.baseline(directory, trace)
        let actual = try Self.decodeTrace(path)
        // Every trace but the payload-truncation one expects weirds: proves the baseline was read.
        #expect(expected.isEmpty == (trace == "trunc-icmp-payload-trunc"))
        #expect(actual == expected)
    }
}

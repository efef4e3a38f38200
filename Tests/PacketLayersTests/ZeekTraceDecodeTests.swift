import Capture
import FleetModel
import FleetTesting
import Foundation
import PacketLayers
import Testing

/// Decodes every conformance trace: nothing crashes, payloads stay in bounds, and only the
/// malformed traces raise weirds (besides bad IP checksums in traces Zeek ran with `-C`).
@Suite("Zeek traces decode")
struct ZeekTraceDecodeTests {
    struct Summary: PacketSink {
        var packets = 0, tunneled = 0, vlanTagged = 0, doubleTagged = 0, badRange = 0
        var weirds: Set<String> = []
        mutating func receive(_ packet: DecodedPacket, bytes: UnsafeRawBufferPointer) {
            packets += 1
            if packet.tunnel != nil { tunneled += 1 }
            if packet.vlan != nil { vlanTagged += 1 }
            if packet.innerVLAN != nil { doubleTagged += 1 }
            if packet.payload.lowerBound < 0 || packet.payload.upperBound > bytes.count || packet.payload.count > packet.payloadLength {
                badRange += 1
            }
        }
        mutating func weird(_ weird: WeirdRecord) { weirds.insert(weird.name) }
    }

    static func run(_ path: String) throws -> (Summary, DecoderCounters) {
        let reader = try PcapFileReader(path: path)
        var decoder = PacketDecoder()
        var sink = Summary()
        let linkType = LinkType(rawValue: reader.linkType)
        try reader.forEachPacket { frame, timestamp, wireLength in
            decoder.decode(frame: frame, wireLength: wireLength, linkType: linkType, timestamp: timestamp, into: &sink)
        }
        return (sink, decoder.counters)
    }

    @Test func allTraces() throws {
        guard let directory = Fixtures.zeekConformanceDirectory else { return }
        let traces = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("traces").path)
        #expect(traces.count > 50)
        var byName: [String: (Summary, DecoderCounters)] = [:]
        for trace in traces {
            let result = try Self.run(directory.appendingPathComponent("traces/\(trace)").path)
            byName[trace] = result
            #expect(result.0.badRange == 0, "\(trace)")
            if !trace.hasPrefix("trunc-") && !trace.hasPrefix("ip-bogus") {
                #expect(result.0.weirds.subtracting(["bad_IP_checksum"]).isEmpty, "\(trace): \(result.0.weirds)")
            }
        }
        #expect(byName["tunnels-gre-sample.pcap"]?.0.tunneled == 40)
        #expect((byName["tunnels-Teredo.pcap"]?.0.tunneled ?? 0) > 20)
        #expect(byName["ipv6-fragmented-dns.pcap"]?.1.reassembled == 1)
        #expect(byName["nflog-http.pcap"]?.0.packets == 13)
        #expect(byName["ppp-quic-interop-retry.pcap"]?.0.packets == 26)
        #expect(byName["pppoe-over-qinq.pcap"]?.0.doubleTagged == 86)
        #expect(byName["q-in-q.pcap"]?.0.doubleTagged == 4)
        #expect(byName["mpls-in-vlan.pcap"]?.0.weirds == ["bad_IP_checksum"])
    }
}

import Capture
import FleetModel
import FleetTesting
import Foundation
import FlowTracking
import PacketLayers
import Testing

/// Replays every Zeek trace through decoder + tracker: nothing may crash, and
/// replaying twice must give identical records (packet time only, no clock).
/// With FLEETWATCH_DUMP=name it prints that trace's conn rows for debugging.
@Suite struct TraceReplayTests {
    static func run(_ path: String, ignoreChecksums: Bool) throws -> RecordBatch {
        let reader = try PcapFileReader(path: path)
        var configuration = PipelineConfiguration()
        configuration.decoder.verifyChecksums = !ignoreChecksums
        var pipeline = PacketPipeline(configuration: configuration)
        let linkType = LinkType(rawValue: reader.linkType)
        var records = RecordBatch()
        do {
            try reader.forEachPacket { frame, timestamp, _ in
                pipeline.process(frame: frame, linkType: linkType, timestamp: timestamp)
            }
        } catch {
            // Damaged tail: keep what was read.
        }
        pipeline.finish()
        records.append(contentsOf: pipeline.drain())
        return records
    }

    static var traces: [String] {
        guard let directory = Fixtures.zeekConformanceDirectory else { return [] }
        let tracesDirectory = directory.appendingPathComponent("traces")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: tracesDirectory.path)) ?? []
        return names.sorted().map { tracesDirectory.appendingPathComponent($0).path }
    }

    @Test func everyTraceReplaysDeterministically() throws {
        let traces = Self.traces
        guard !traces.isEmpty else {
            print("TraceReplayTests: ../shared/conformance/zeek not found; skipped")
            return
        }
        let dump = ProcessInfo.processInfo.environment["FLEETWATCH_DUMP"]
        for trace in traces {
            let first = try Self.run(trace, ignoreChecksums: true)
            let second = try Self.run(trace, ignoreChecksums: true)
            #expect(first == second, "\(trace) is not deterministic")
            if let dump, dump == "ALL" || trace.contains(dump) {
                print("== \(trace)")
                for conn in first.conns {
                    print([conn.id.originatorHost.description, "\(conn.id.originatorPort)", conn.id.responderHost.description,
                           "\(conn.id.responderPort)", conn.proto.rawValue, conn.service.joined(separator: ","),
                           conn.duration?.zeekText ?? "-", conn.originatorBytes.map(String.init) ?? "-",
                           conn.responderBytes.map(String.init) ?? "-", conn.connState.rawValue, "\(conn.missedBytes)",
                           conn.history.isEmpty ? "-" : conn.history, "\(conn.originatorPackets)", "\(conn.originatorIPBytes)",
                           "\(conn.responderPackets)", "\(conn.responderIPBytes)", conn.interim ? "interim" : ""].joined(separator: "\t"))
                }
                for weird in first.weirds { print("weird", weird.name, weird.source ?? "-") }
            }
        }
    }
}

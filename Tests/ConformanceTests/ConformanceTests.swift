import FlowTracking
import FleetCLI
import FleetModel
import FleetTesting
import Foundation
import Testing
import ZeekLogs

/// Runs every trace of the Zeek conformance set through `OfflineAnalysis` and
/// compares our logs with Zeek's baselines, field by field.
///
/// - `FLEETWATCH_TRACE=name[,name]` runs only those traces (the floor is not enforced then).
/// - `FLEETWATCH_CONFORMANCE=/path/to/conformance/zeek` points at the data set
///   (default: `../shared/conformance/zeek` beside the checkout).
/// The full list of disagreements is written to `$TMPDIR/fleetwatch-conformance-diff.txt`.
@Suite("Zeek conformance")
struct ConformanceTests {
    /// How many disagreement lines go to stdout (all of them go to the diff file).
    static let printedDisagreements = 120

    @Test("agreement with Zeek's baselines does not drop below the committed floor")
    func agreementWithZeek() throws {
        guard let directory = Fixtures.zeekConformanceDirectory else {
            print("conformance: Zeek conformance set not found (set FLEETWATCH_CONFORMANCE); skipped")
            return
        }
        var traces = try ConformanceTrace.load(from: directory)
        let selected = ProcessInfo.processInfo.environment["FLEETWATCH_TRACE"].map {
            Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        if let selected {
            traces = traces.filter { selected.contains($0.name) }
            #expect(!traces.isEmpty, "FLEETWATCH_TRACE names no known trace: \(selected.sorted())")
        }
        var tally = AgreementTally()
        var failures: [String] = []
        for trace in traces {
            do {
                let ours = try Self.analyze(trace)
                for baseline in trace.baselines {
                    let text = try String(contentsOf: baseline.file, encoding: .utf8)
                    let expected = ZeekLogTable.parse(text, fileName: baseline.file.lastPathComponent)
                    tally.compare(trace: trace.name, log: baseline.log, bare: trace.bare,
                                  baseline: expected, ours: ours[baseline.log] ?? ZeekLogTable(fields: [], rows: []))
                }
            } catch {
                failures.append("\(trace.name): \(error)")
            }
        }
        print("conformance: \(traces.count) traces from \(directory.path)")
        print(tally.table())
        // Field disagreements on matched rows first: they are the actionable ones.
        let ordered = tally.disagreements.filter { !$0.contains(" MISSING ") && !$0.contains(" EXTRA ") }
            + tally.disagreements.filter { $0.contains(" MISSING ") || $0.contains(" EXTRA ") }
        let diffURL = FileManager.default.temporaryDirectory.appendingPathComponent("fleetwatch-conformance-diff.txt")
        try (ordered.joined(separator: "\n") + "\n").write(to: diffURL, atomically: true, encoding: .utf8)
        for line in ordered.prefix(Self.printedDisagreements) { print(line) }
        if tally.disagreements.count > Self.printedDisagreements {
            print("... \(tally.disagreements.count - Self.printedDisagreements) more")
        }
        print("conformance: \(tally.disagreements.count) disagreements written to \(diffURL.path)")
        #expect(failures.isEmpty, "traces that could not be analysed: \(failures)")

        guard selected == nil else {
            print("conformance: FLEETWATCH_TRACE set, agreement floor not enforced")
            return
        }
        if ProcessInfo.processInfo.environment["FLEETWATCH_UPDATE_FLOOR"] == "1" {
            try Self.writeFloor(tally)
            print("conformance: agreement floor rewritten from this run")
            return
        }
        for (key, floor) in try Self.floor().sorted(by: { $0.key < $1.key }) {
            let current = tally.counts[key]?.percent ?? 0
            #expect(current + 1e-6 >= floor, "\(key): agreement \(String(format: "%.2f", current))% fell below the floor \(floor)%")
        }
    }

    /// Our logs for one trace, rendered as Zeek TSV and read back as tables.
    static func analyze(_ trace: ConformanceTrace) throws -> [String: ZeekLogTable] {
        var options = OfflineAnalysis.Options()
        options.outputDirectory = nil
        options.collectRecords = true
        options.ignoreChecksums = trace.ignoreChecksums
        if let ports = trace.likelyServerPorts {
            options.pipeline.flows.likelyServerPortsTCP = ports.tcp
            options.pipeline.flows.likelyServerPortsUDP = ports.udp
        }
        let records = try OfflineAnalysis.run(files: [trace.trace.path], options: options).records
        func table<Record: ZeekLogRecord>(_ rows: [Record]) -> ZeekLogTable {
            let bytes = ZeekLogWriter.render(rows, openTime: .zero, closeTime: .zero)
            return ZeekLogTable.parse(String(decoding: bytes, as: UTF8.self), fileName: "\(Record.zeekSchema.path).log")
        }
        return [
            "conn": table(records.conns.filter { !$0.interim }), "dns": table(records.dns),
            "http": table(records.http), "ssl": table(records.ssl), "weird": table(records.weirds),
        ]
    }

    static let floorURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("agreement-floor.json")

    /// The committed minimum agreement per metric (percent).
    static func floor() throws -> [String: Double] {
        try JSONDecoder().decode([String: Double].self, from: Data(contentsOf: floorURL))
    }

    /// `FLEETWATCH_UPDATE_FLOOR=1`: records this run's levels (rounded down to 0.1 %) as the new floor.
    static func writeFloor(_ tally: AgreementTally) throws {
        var levels: [String: Double] = [:]
        for (key, count) in tally.counts { levels[key] = (count.percent * 10).rounded(.down) / 10 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(levels).write(to: floorURL)
    }
}

import Foundation

/// One trace of the Zeek conformance set with the baselines we compare.
struct ConformanceTrace: Sendable {
    /// A baseline file and the log it stands for.
    struct Baseline: Sendable {
        var file: URL
        /// `conn`, `dns`, `http`, `ssl` or `weird`.
        var log: String
    }

    var name: String
    var trace: URL
    /// The zeek command used `-C`.
    var ignoreChecksums: Bool
    /// Zeek ran with `-b`: only the loaded scripts' analyzers exist.
    var bare: Bool
    /// The test's `@load` lines (which protocol scripts a bare run had).
    var scriptLines: [String]
    var baselines: [Baseline]

    /// Likely server ports as Zeek had them: all default analyzers' ports, or in
    /// bare mode only those of the protocol scripts the test loaded (plus the
    /// tunnel ports that Zeek's packet analysis always registers).
    var likelyServerPorts: (tcp: Set<UInt16>, udp: Set<UInt16>)? {
        guard bare else { return nil }
        var tcp: Set<UInt16> = []
        var udp: Set<UInt16> = [3544, 4789, 6081]
        let loaded = scriptLines.joined(separator: " ")
        if loaded.contains("protocols/http") { tcp.formUnion([80, 81, 631, 1080, 3128, 8000, 8080, 8888]) }
        if loaded.contains("protocols/dns") { tcp.insert(53); udp.formUnion([53, 137, 5353, 5355]) }
        if loaded.contains("protocols/ssl") { tcp.formUnion([443, 563, 585, 614, 636, 989, 990, 992, 993, 995, 5223]) }
        if loaded.contains("protocols/ssh") { tcp.insert(22) }
        if loaded.contains("protocols/pop3") { tcp.insert(110) }
        if loaded.contains("protocols/ftp") { tcp.formUnion([21, 2811]) }
        return (tcp, udp)
    }

    private struct Manifest: Decodable {
        struct Entry: Decodable {
            struct Log: Decodable { var file: String }
            var name: String
            var trace: String
            var commands: [String]
            var mode: String
            var logs: [Log]
            var script_lines: [String]?
        }
        var entries: [Entry]
    }

    /// Baseline files compared, by file name, and the log each feeds.
    static let comparedFiles: [String: String] = [
        "conn.log": "conn", "conn.cut.log": "conn", "history_conn_state.txt": "conn",
        "dns.log": "dns", "http.log": "http", "ssl.log": "ssl", "weird.log": "weird",
    ]

    /// Every trace in `directory/manifest.json` that has at least one compared baseline.
    static func load(from directory: URL) throws -> [ConformanceTrace] {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        let manifest = try JSONDecoder().decode(Manifest.self, from: data)
        return manifest.entries.compactMap { entry in
            let baselines = entry.logs.compactMap { log -> Baseline? in
                let url = directory.appendingPathComponent(log.file)
                guard let name = comparedFiles[url.lastPathComponent] else { return nil }
                return Baseline(file: url, log: name)
            }
            guard !baselines.isEmpty else { return nil }
            let words = entry.commands.flatMap { $0.split(separator: " ") }
            return ConformanceTrace(
                name: entry.name, trace: directory.appendingPathComponent(entry.trace),
                ignoreChecksums: words.contains("-C"), bare: words.contains("-b"),
                scriptLines: entry.script_lines ?? [], baselines: baselines
            )
        }
    }
}

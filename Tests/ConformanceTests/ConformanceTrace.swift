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
    var baselines: [Baseline]

    private struct Manifest: Decodable {
        struct Entry: Decodable {
            struct Log: Decodable { var file: String }
            var name: String
            var trace: String
            var commands: [String]
            var mode: String
            var logs: [Log]
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
                ignoreChecksums: words.contains("-C"), bare: words.contains("-b"), baselines: baselines
            )
        }
    }
}

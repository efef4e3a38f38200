public import FleetModel
import Foundation
import ZeekLogs

/// Renders findings for the analyst: a table sorted by severity, or JSON lines.
public enum FindingFormatter {
    /// One JSON object per finding, fields named as in the API (`detector`, `severity`, ...).
    public static func jsonLines(_ findings: [Finding]) -> String {
        var bytes: [UInt8] = []
        for finding in sorted(findings) {
            FindingJSON.append(finding, to: &bytes)
            bytes.append(0x0a)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `findings (N: a critical, b high, ...):` — the count of each severity present, most severe first.
    public static func tally(_ findings: [Finding]) -> String {
        var counts: [Severity: Int] = [:]
        for finding in findings { counts[finding.severity, default: 0] += 1 }
        let parts = Severity.allCases.reversed().compactMap { severity in
            counts[severity].map { "\($0) \(severity.rawValue)" }
        }
        return parts.isEmpty ? "findings (0):" : "findings (\(findings.count): \(parts.joined(separator: ", "))):"
    }

    /// An aligned table, most severe first; the summary column is cut to fit `width`.
    ///
    /// With a `limit`, only that many rows are laid out and a last line says how many more there are.
    public static func table(_ findings: [Finding], width: Int = 160, limit: Int? = nil) -> String {
        let shown = limit.map { min(max(0, $0), findings.count) } ?? findings.count
        let rows = sorted(findings).prefix(shown).map { finding in
            [finding.severity.rawValue.uppercased(), finding.detector, finding.host?.description ?? "-", finding.summary]
        }
        guard !findings.isEmpty else { return "no findings\n" }
        let header = ["SEVERITY", "DETECTOR", "HOST", "SUMMARY"]
        var widths = header.map(\.count)
        for row in rows {
            for column in 0..<3 { widths[column] = max(widths[column], row[column].count) }
        }
        let summaryWidth = max(20, width - widths[0...2].reduce(0, +) - 6)
        func line(_ columns: [String]) -> String {
            var text = ""
            for column in 0..<3 { text += columns[column].padding(toLength: widths[column], withPad: " ", startingAt: 0) + "  " }
            let summary = columns[3]
            text += summary.count > summaryWidth ? String(summary.prefix(summaryWidth - 1)) + "…" : summary
            return text + "\n"
        }
        let more = findings.count - shown
        let tail = more > 0 ? "… \(more) more (--limit 0 shows every row; -o json prints every finding)\n" : ""
        return ([header] + rows).map(line).joined() + tail
    }

    static func sorted(_ findings: [Finding]) -> [Finding] {
        // Positions are sorted, not the (large) findings themselves.
        findings.indices.sorted { a, b in
            let lhs = findings[a].severity, rhs = findings[b].severity
            if lhs != rhs { return lhs > rhs }
            if findings[a].score != findings[b].score { return findings[a].score > findings[b].score }
            return findings[a].id < findings[b].id
        }.map { findings[$0] }
    }
}

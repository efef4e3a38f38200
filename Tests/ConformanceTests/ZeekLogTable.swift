import Foundation

/// A Zeek log read back as text columns: a baseline file or our own TSV output.
///
/// Understands the ASCII writer format (`#fields` header), `zeek-cut -m`
/// output (one plain header line) and the derived `history_conn_state.txt`
/// (`<history>, <conn_state>` per line). The `### BTest` first line is skipped.
struct ZeekLogTable {
    var fields: [String]
    var rows: [[String]]

    func column(_ name: String) -> Int? { fields.firstIndex(of: name) }

    /// Parses `text`; `fileName` picks the dialect.
    static func parse(_ text: String, fileName: String) -> ZeekLogTable {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if let first = lines.first, first.hasPrefix("### BTest") { lines.removeFirst() }
        if fileName == "history_conn_state.txt" {
            let rows = lines.map { line in
                line.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            }
            return ZeekLogTable(fields: ["history", "conn_state"], rows: rows.filter { $0.count == 2 })
        }
        var fields: [String] = []
        var rows: [[String]] = []
        var sawMetadata = false
        for line in lines {
            if line.hasPrefix("#") {
                sawMetadata = true
                if line.hasPrefix("#fields\t") {
                    fields = line.split(separator: "\t", omittingEmptySubsequences: false).dropFirst().map(String.init)
                }
                continue
            }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if fields.isEmpty && !sawMetadata {
                fields = columns  // zeek-cut -m header line
                continue
            }
            rows.append(columns)
        }
        return ZeekLogTable(fields: fields, rows: rows)
    }
}

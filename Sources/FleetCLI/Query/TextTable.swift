/// An aligned text table that fits a terminal width: each column is as wide as its widest cell up
/// to its cap, and flexible columns shrink (cells cut with `…`) until the line fits.
struct TextTable {
    struct Column {
        var title: String
        /// Widest this column gets.
        var cap: Int
        /// Whether it shrinks when the table is too wide.
        var flexible: Bool = false
        /// Right-aligned (numbers).
        var right: Bool = false
    }

    var columns: [Column]
    var rows: [[String]] = []

    /// The table as text, each line at most `width` characters.
    func render(width: Int = 100) -> String {
        // Every cell's length is counted once (characters, as the terminal shows them).
        let counts = rows.map { row in row.map(\.count) }
        var widths = columns.map { $0.title.count }
        for row in counts {
            for (index, count) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], min(count, columns[index].cap))
            }
        }
        let separators = 2 * (columns.count - 1)
        var excess = widths.reduce(0, +) + separators - width
        while excess > 0 {
            // Shrink the widest flexible column that is still wider than its title.
            guard let index = columns.indices
                .filter({ columns[$0].flexible && widths[$0] > max(columns[$0].title.count, 4) })
                .max(by: { widths[$0] < widths[$1] }) else { break }
            widths[index] -= 1
            excess -= 1
        }
        var text: [UInt8] = []
        text.reserveCapacity((widths.reduce(0, +) + separators + 1) * (rows.count + 1))
        func appendLine(_ row: [String], _ rowCounts: [Int]) {
            let start = text.count
            for (index, column) in columns.enumerated() {
                var cell = index < row.count ? row[index] : ""
                var count = index < rowCounts.count ? rowCounts[index] : 0
                if count > widths[index] {
                    cell = Self.fit(cell, widths[index])
                    count = cell.count
                }
                let padding = widths[index] - count
                let isLast = index == columns.count - 1
                if column.right { text.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding)) }
                text.append(contentsOf: cell.utf8)
                if !column.right && !isLast { text.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding)) }
                if !isLast { text.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: " ")]) }
            }
            while text.count > start, text.last == UInt8(ascii: " ") { text.removeLast() }
            text.append(UInt8(ascii: "\n"))
        }
        appendLine(columns.map(\.title), columns.map(\.title.count))
        for (row, rowCounts) in zip(rows, counts) { appendLine(row, rowCounts) }
        return String(decoding: text, as: UTF8.self)
    }

    static func fit(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(width)) }
        return String(text.prefix(width - 1)) + "…"
    }
}

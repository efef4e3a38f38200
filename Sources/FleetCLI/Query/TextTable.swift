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
        var widths = columns.map { $0.title.count }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], min(cell.count, columns[index].cap))
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
        var text = ""
        for row in [columns.map(\.title)] + rows {
            var line = ""
            for (index, column) in columns.enumerated() {
                let cell = Self.fit(index < row.count ? row[index] : "", widths[index])
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                let isLast = index == columns.count - 1
                line += column.right ? padding + cell : cell + (isLast ? "" : padding)
                if !isLast { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        return text
    }

    static func fit(_ text: String, _ width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(width)) }
        return String(text.prefix(width - 1)) + "…"
    }
}

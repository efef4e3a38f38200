/// Analyzers of removed connections, reset and kept for the next connections that need
/// the same kind: a reused analyzer keeps its existential box and its scratch buffers'
/// storage instead of allocating them again for every flow.
struct AnalyzerPool {
    /// Most analyzers kept per kind.
    static let maximumPerKind = 256

    /// Kept analyzers, one shelf per kind (by raw value).
    private var shelves = [[any AppAnalyzer]](repeating: [], count: StandardAnalyzer.allCases.count)

    /// A reset analyzer of `kind`, if one is kept.
    mutating func take(_ kind: StandardAnalyzer) -> (any AppAnalyzer)? {
        shelves[kind.rawValue].popLast()
    }

    /// Keeps the analyzer of a slot that leaves its connection, when it can be reset (analyzers
    /// that cannot, such as SSH's, answer false to `resetForReuse` and are dropped).
    mutating func recycle(_ slot: inout AnalyzerSlot) {
        guard let kind = slot.kind, shelves[kind.rawValue].count < Self.maximumPerKind, slot.analyzer.resetForReuse()
        else { return }
        shelves[kind.rawValue].append(slot.analyzer)
    }
}

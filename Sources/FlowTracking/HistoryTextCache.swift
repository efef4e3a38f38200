/// The conn.log history texts made recently, by their letters: most connections share a
/// handful of histories (`ShADadFf`, `Dd`, ...), and a cached text is returned instead of
/// building and validating a new string for every record.
///
/// Direct-mapped on a hash of the letters; a miss builds the text and replaces the entry.
struct HistoryTextCache {
    private struct Entry {
        var words: SIMD2<UInt64>
        var count: Int
        var text: String
    }

    private static let size = 256
    private var entries: [Entry] = []

    /// `history.text`, from the cache when the same letters were seen before.
    mutating func text(of history: ConnHistory) -> String {
        guard let words = history.inlineWords else { return history.text }
        if entries.isEmpty {
            entries = Array(repeating: Entry(words: SIMD2(0, 0), count: -1, text: ""), count: Self.size)
        }
        var hash = (words[0] &* 0x9E37_79B9_7F4A_7C15) ^ words[1] ^ UInt64(truncatingIfNeeded: history.count)
        hash = (hash ^ (hash >> 29)) &* 0xBF58_476D_1CE4_E5B9
        let position = Int(truncatingIfNeeded: hash >> 56) & (Self.size - 1)
        if entries[position].count == history.count && entries[position].words == words {
            return entries[position].text
        }
        let text = history.text
        entries[position] = Entry(words: words, count: history.count, text: text)
        return text
    }
}

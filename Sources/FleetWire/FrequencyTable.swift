/// Interns values in two passes: the first counts uses, ``freeze()`` orders the
/// values most used first (ties by first use), the second pass looks indices up.
///
/// Most-used-first keeps the common references in one-byte varints.
struct FrequencyTable<Key: Hashable> {
    private var counts: [Key: Int] = [:]
    private var firstUse: [Key] = []
    private var indices: [Key: UInt32] = [:]
    private(set) var ordered: [Key] = []

    mutating func note(_ key: Key) {
        if let count = counts[key] {
            counts[key] = count + 1
        } else {
            counts[key] = 1
            firstUse.append(key)
        }
    }

    mutating func freeze() {
        let positions = Dictionary(uniqueKeysWithValues: firstUse.enumerated().map { ($1, $0) })
        ordered = firstUse.sorted { a, b in
            let ca = counts[a, default: 0], cb = counts[b, default: 0]
            if ca != cb { return ca > cb }
            return positions[a, default: 0] < positions[b, default: 0]
        }
        indices.reserveCapacity(ordered.count)
        for (index, key) in ordered.enumerated() { indices[key] = UInt32(index) }
    }

    /// 0-based index of `key`; a key the counting pass missed is appended.
    mutating func index(of key: Key) -> UInt32 {
        if let index = indices[key] { return index }
        let index = UInt32(ordered.count)
        ordered.append(key)
        indices[key] = index
        return index
    }
}

/// A string compared and hashed by its UTF-8 bytes.
///
/// Swift's `==` treats canonically equivalent strings (`"é"` and `"e\u{301}"`) as
/// equal; interning by bytes keeps the wire round trip byte-exact.
struct ExactString: Hashable {
    let value: String

    init(_ value: String) { self.value = value }

    static func == (lhs: ExactString, rhs: ExactString) -> Bool {
        lhs.value.utf8.elementsEqual(rhs.value.utf8)
    }

    func hash(into hasher: inout Hasher) {
        let hashed: Void? = value.utf8.withContiguousStorageIfAvailable { bytes in
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
        if hashed == nil {
            for byte in value.utf8 { hasher.combine(byte) }
        }
        hasher.combine(value.utf8.count)
    }
}

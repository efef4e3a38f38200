import FleetModel

/// The flow table's key → slot map: open addressing with linear probing, at most half
/// full, and backward-shift deletion (no tombstones).
///
/// Keys are hashed by folded 64×64→128-bit multiplies of the key's words with per-process
/// seeds (taken from `Hasher`'s own random seed) — much cheaper than `Hasher`'s SipHash,
/// and the seeds keep the probe sequence unpredictable to whoever crafts the packets.
struct FlowIndex {
    private struct Entry {
        var key: FlowKey
        /// Slot in the connection slab; -1 marks an empty entry.
        var slot: Int32
        var hash: UInt32
    }

    private static let emptyKey = FlowKey(
        source: .v4(0), sourcePort: 0, destination: .v4(0), destinationPort: 0, ipProto: 0, context: 0)

    private var entries: [Entry]
    private var mask: Int
    private let seeds: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    private(set) var count = 0

    init(minimumCapacity: Int = 1024) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        entries = Array(repeating: Entry(key: Self.emptyKey, slot: -1, hash: 0), count: capacity)
        mask = capacity - 1
        func seed(_ salt: UInt64) -> UInt64 {
            var hasher = Hasher()
            hasher.combine(salt)
            return UInt64(truncatingIfNeeded: hasher.finalize()) | 1
        }
        seeds = (seed(0x466C_6F77), seed(0x1), seed(0x2), seed(0x3), seed(0x4), seed(0x5))
    }

    /// The 128-bit product of two words, folded to 64 bits.
    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    @inline(__always)
    private func hash(_ key: FlowKey) -> UInt32 {
        let a = Self.fold(key.lowHigh ^ seeds.0, key.lowLow ^ seeds.1)
        let b = Self.fold(key.highHigh ^ seeds.2, key.highLow ^ seeds.3)
        let c = Self.fold(a ^ key.portsAndContext ^ seeds.4, b ^ key.protoAndFamilies ^ seeds.5)
        return UInt32(truncatingIfNeeded: c ^ c >> 32)
    }

    /// Position of `key`'s entry, or of the empty entry where it would go.
    @inline(__always)
    private func find(_ key: FlowKey, hash: UInt32) -> (position: Int, found: Bool) {
        var position = Int(hash) & mask
        while true {
            let entry = entries[position]
            if entry.slot < 0 { return (position, false) }
            if entry.hash == hash && entry.key == key { return (position, true) }
            position = (position &+ 1) & mask
        }
    }

    subscript(key: FlowKey) -> Int32? {
        @inline(__always) get {
            let (position, found) = find(key, hash: hash(key))
            return found ? entries[position].slot : nil
        }
        set {
            if let newValue { insert(key, slot: newValue) } else { removeValue(forKey: key) }
        }
    }

    private mutating func insert(_ key: FlowKey, slot: Int32) {
        let h = hash(key)
        let (position, found) = find(key, hash: h)
        if found {
            entries[position].slot = slot
            return
        }
        entries[position] = Entry(key: key, slot: slot, hash: h)
        count += 1
        if count * 2 > entries.count { grow() }
    }

    /// Removes `key`; later entries of its probe run move back so lookups never stop early.
    mutating func removeValue(forKey key: FlowKey) {
        let (position, found) = find(key, hash: hash(key))
        guard found else { return }
        var hole = position
        var next = (hole &+ 1) & mask
        while entries[next].slot >= 0 {
            let home = Int(entries[next].hash) & mask
            // Move the entry into the hole unless its home lies cyclically in (hole, next].
            let distanceToNext = (next &- home) & mask
            let distanceToHole = (hole &- home) & mask
            if distanceToHole < distanceToNext {
                entries[hole] = entries[next]
                hole = next
            }
            next = (next &+ 1) & mask
        }
        entries[hole] = Entry(key: Self.emptyKey, slot: -1, hash: 0)
        count -= 1
    }

    private mutating func grow() {
        let old = entries
        let capacity = old.count * 2
        entries = Array(repeating: Entry(key: Self.emptyKey, slot: -1, hash: 0), count: capacity)
        mask = capacity - 1
        for entry in old where entry.slot >= 0 {
            var position = Int(entry.hash) & mask
            while entries[position].slot >= 0 { position = (position &+ 1) & mask }
            entries[position] = entry
        }
    }
}

/// Zeek's connection history string with its repeat rules.
///
/// Most letters are recorded once per direction (`CheckHistory`); some may be
/// added again (`add`); `C`, `G`, `T`, `W` are recorded on a logarithmic scale:
/// at the 1st, 10th, 100th, ... occurrence.
///
/// The first 16 letters (nearly every connection's whole history) are kept inline; only
/// longer histories allocate.
struct ConnHistory: Sendable {
    private var head = SIMD16<UInt8>()
    /// Letters after the first 16.
    private var tail: [UInt8] = []
    /// Letters recorded (at most `maximumLength`).
    private(set) var count = 0
    private var seen: UInt32 = 0

    /// Bits for letters recorded once per direction.
    enum Kind: UInt32 {
        case syn = 0x1, fin = 0x2, rst = 0x4, finRST = 0x8, data = 0x10, ack = 0x20, multiFlag = 0x40, corrupt = 0x80
    }

    static let maximumLength = 256

    /// Adds `letter` (lower-cased for the responder) the first time this kind is seen in this direction.
    /// - Returns: true when it had been seen before.
    /// Inlined: most calls (every packet checks a letter) find it seen and return at once.
    @inline(__always) @discardableResult
    mutating func check(_ kind: Kind, _ letter: UInt8, originator: Bool) -> Bool {
        let mask = originator ? kind.rawValue : kind.rawValue << 16
        if seen & mask != 0 { return true }
        addFirst(mask, letter, originator: originator)
        return false
    }

    @inline(never)
    private mutating func addFirst(_ mask: UInt32, _ letter: UInt8, originator: Bool) {
        seen |= mask
        add(letter, originator: originator)
    }

    mutating func add(_ letter: UInt8, originator: Bool) {
        addRaw(originator ? letter : Self.lower(letter))
    }

    mutating func addRaw(_ letter: UInt8) {
        guard count < Self.maximumLength else { return }
        if count < 16 { head[count] = letter } else { tail.append(letter) }
        count += 1
    }

    /// Swaps the roles: seen bits flip sides and `^` is appended (Zeek's FlipRoles).
    mutating func flip() {
        seen = (seen << 16) | (seen >> 16)
        addRaw(UInt8(ascii: "^"))
    }

    static func lower(_ letter: UInt8) -> UInt8 {
        (letter >= 65 && letter <= 90) ? letter + 32 : letter
    }

    /// The letters as the inline head's two words, when they all fit there (unused bytes are zero).
    var inlineWords: SIMD2<UInt64>? {
        count <= 16 ? unsafeBitCast(head, to: SIMD2<UInt64>.self) : nil
    }

    /// The letters in order.
    var letters: [UInt8] {
        var letters: [UInt8] = []
        letters.reserveCapacity(count)
        for index in 0..<min(count, 16) { letters.append(head[index]) }
        letters.append(contentsOf: tail)
        return letters
    }

    var text: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maximumLength) { buffer in
            var length = 0
            for index in 0..<min(count, 16) where length < buffer.count {
                buffer[length] = head[index]
                length += 1
            }
            for letter in tail where length < buffer.count {
                buffer[length] = letter
                length += 1
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<length]), as: UTF8.self)
        }
    }
}

/// A logarithmic history counter (Zeek's `ScaledHistoryEntry`).
struct ScaledCounter: Sendable {
    var count: UInt32 = 0
    var threshold: UInt32 = 1

    /// Counts one occurrence; true when the letter should be added now.
    mutating func bump() -> Bool {
        count &+= 1
        guard count == threshold else { return false }
        let next = threshold &* 10
        threshold = next <= threshold ? .max : next
        return true
    }
}

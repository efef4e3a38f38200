/// Makes Zeek-style connection uids (`C` + up to 18 base62 characters of 96 bits).
///
/// Deterministic for a seed, so replaying a capture gives the same uids;
/// an agent seeds it differently per run so uids stay unique fleet-wide.
public struct UIDGenerator: Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    private mutating func next64() -> UInt64 {
        // SplitMix64.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A fresh uid with the given one-letter prefix (`C` for connections): the prefix, then
    /// a 64-bit and a 32-bit random word in base 62, least significant digit first.
    /// Built straight into the string's storage (one allocation), two digits at a time.
    public mutating func next(prefix: UInt8 = UInt8(ascii: "C")) -> String {
        let first = next64()
        let second = next64() & 0xFFFF_FFFF
        return Self.text(prefix: prefix, first, second)
    }

    /// `prefix`, then `first` and `second` (below 2³²) in base 62, least significant digit first.
    static func text(prefix: UInt8, _ first: UInt64, _ second: UInt64) -> String {
        let pairs = digitPairs
        // 1 + 11 + 6 characters at most.
        return String(unsafeUninitializedCapacity: 18) { buffer in
            guard buffer.count >= 18, pairs.count == 62 * 62 else { return 0 }
            buffer[0] = prefix
            var count = 1
            for round in 0..<2 {
                var word = round == 0 ? first : second
                // Two digits while at least three remain, then the last one or two.
                while word >= 62 * 62 {
                    let pair = pairs[Int(word % (62 * 62))]
                    buffer[count] = UInt8(truncatingIfNeeded: pair)
                    buffer[count + 1] = UInt8(truncatingIfNeeded: pair >> 8)
                    count += 2
                    word /= 62 * 62
                }
                let pair = pairs[Int(word)]
                buffer[count] = UInt8(truncatingIfNeeded: pair)
                count += 1
                if word >= 62 {
                    buffer[count] = UInt8(truncatingIfNeeded: pair >> 8)
                    count += 1
                }
            }
            return count
        }
    }

    /// For 0..<3844: its two base-62 digits, the less significant in the low byte.
    private static let digitPairs: [UInt16] = (0..<(62 * 62)).map { value in
        UInt16(digit(UInt64(value % 62))) | UInt16(digit(UInt64(value / 62))) << 8
    }

    /// `0-9A-Za-z` for 0..<62.
    @inline(__always)
    static func digit(_ value: UInt64) -> UInt8 {
        let value = UInt8(truncatingIfNeeded: value)
        if value < 10 { return 0x30 &+ value }
        if value < 36 { return 0x37 &+ value }
        return 0x3D &+ value
    }
}

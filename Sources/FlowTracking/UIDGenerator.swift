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

    private static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A fresh uid with the given one-letter prefix (`C` for connections).
    public mutating func next(prefix: UInt8 = UInt8(ascii: "C")) -> String {
        var bytes: [UInt8] = [prefix]
        bytes.reserveCapacity(19)
        for var word in [next64(), next64() & 0xFFFF_FFFF] {
            repeat {
                bytes.append(Self.alphabet[Int(word % 62)])
                word /= 62
            } while word > 0
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

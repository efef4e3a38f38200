import Testing
@testable import FlowTracking

/// The uid generator's two-digits-at-a-time base 62 gives the same uids as the plain
/// digit-by-digit conversion, and the compiled port set answers as the `Set` it was made from.
@Suite struct UIDGeneratorTests {
    /// Base 62, least significant digit first, one digit at a time (the reference conversion).
    static func base62(_ word: UInt64) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var word = word, text = ""
        repeat {
            text.append(alphabet[Int(word % 62)])
            word /= 62
        } while word > 0
        return text
    }

    /// The uid as first defined: SplitMix64 words, each in base 62 one digit at a time.
    static func referenceUIDs(seed: UInt64, count: Int) -> [String] {
        var state = seed
        func next64() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return (0..<count).map { _ in
            let first = next64()
            let second = next64() & 0xFFFF_FFFF
            return "C" + Self.base62(first) + Self.base62(second)
        }
    }

    @Test(arguments: [0, 1, 42, 0xFFFF_FFFF_FFFF_FFFF, 0x9E37_79B9_7F4A_7C15] as [UInt64])
    func uidsMatchTheDigitByDigitConversion(seed: UInt64) {
        var generator = UIDGenerator(seed: seed)
        let made = (0..<5_000).map { _ in generator.next() }
        #expect(made == Self.referenceUIDs(seed: seed, count: 5_000))
        #expect(made.allSatisfy { $0.utf8.count <= 18 && $0.hasPrefix("C") })
    }

    @Test func wordsAroundDigitBoundariesMatchTheReference() {
        var words: [UInt64] = [0, 1, 61, 62, 63, 3843, 3844, 3845, 238_327, 238_328, UInt64.max, UInt64.max - 1]
        var power: UInt64 = 1
        while power <= UInt64.max / 62 {
            power *= 62
            words += [power - 1, power, power + 1]
        }
        for first in words {
            for second in words where second <= 0xFFFF_FFFF {
                #expect(UIDGenerator.text(prefix: UInt8(ascii: "F"), first, second) == "F" + Self.base62(first) + Self.base62(second))
            }
        }
    }

    @Test func portSetAgreesWithTheSet() {
        let ports: Set<UInt16> = [0, 1, 21, 22, 53, 63, 64, 80, 443, 8080, 65_534, 65_535]
        let compiled = PortSet(ports)
        #expect((0...UInt16.max).allSatisfy { compiled.contains($0) == ports.contains($0) })
        #expect(!PortSet([]).contains(80))
    }
}

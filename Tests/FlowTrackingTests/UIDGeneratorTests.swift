import Testing
@testable import FlowTracking

/// The uid generator's two-digits-at-a-time base 62 gives the same uids as the plain
/// digit-by-digit conversion, and the compiled port set answers as the `Set` it was made from.
@Suite struct UIDGeneratorTests {
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
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        func base62(_ word: UInt64) -> String {
            var word = word, text = ""
            repeat {
                text.append(alphabet[Int(word % 62)])
                word /= 62
            } while word > 0
            return text
        }
        return (0..<count).map { _ in
            let first = next64()
            let second = next64() & 0xFFFF_FFFF
            return "C" + base62(first) + base62(second)
        }
    }

    @Test(arguments: [0, 1, 42, 0xFFFF_FFFF_FFFF_FFFF, 0x9E37_79B9_7F4A_7C15] as [UInt64])
    func uidsMatchTheDigitByDigitConversion(seed: UInt64) {
        var generator = UIDGenerator(seed: seed)
        let made = (0..<5_000).map { _ in generator.next() }
        #expect(made == Self.referenceUIDs(seed: seed, count: 5_000))
        #expect(made.allSatisfy { $0.utf8.count <= 18 && $0.hasPrefix("C") })
    }

    @Test func digitPairsCoverShortAndZeroWords() {
        // A seed whose words are small is out of reach; check the prefix and the alphabet instead.
        var generator = UIDGenerator(seed: 7)
        let uid = generator.next(prefix: UInt8(ascii: "F"))
        #expect(uid.hasPrefix("F"))
        #expect(uid.utf8.dropFirst().allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) })
    }

    @Test func portSetAgreesWithTheSet() {
        let ports: Set<UInt16> = [0, 1, 21, 22, 53, 63, 64, 80, 443, 8080, 65_534, 65_535]
        let compiled = PortSet(ports)
        for port in 0...UInt16.max { #expect(compiled.contains(port) == ports.contains(port)) }
        #expect(!PortSet([]).contains(80))
    }
}

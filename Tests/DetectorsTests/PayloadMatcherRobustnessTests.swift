@testable import Detectors
import Testing

@Suite struct PayloadMatcherRobustnessTests {
    /// Deterministic pseudo-random strings over shell-ish characters: the matcher never traps, and the byte
    /// pre-filter never hides a payload the full matcher would find.
    @Test func randomInputsNeverTrapAndPrefilterIsSound() {
        let alphabet = Array("ab;&|`$(){}%25u0aAF+ =?/-ie\"'\\\n.1234567890shncdevtcpIFS><")
        var seed: UInt64 = 0x1234_5678_9ABC_DEF0
        var matched = 0
        for _ in 0..<3000 {
            var text = "/x?p="
            for _ in 0..<40 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            let filtered = PayloadMatcher.match(uri: text)
            #expect(filtered == PayloadMatcher.match(text: text, checkChains: true, prefilter: false))
            #expect(PayloadMatcher.match(header: text) == PayloadMatcher.match(text: text, checkChains: false, prefilter: false))
            if filtered != nil { matched += 1 }
        }
        #expect(matched > 0)
    }

    @Test func prefilterPassesEveryMaliciousCase() {
        for item in PayloadMatcherTests.malicious {
            #expect(PayloadMatcher.mayContainPayload(PayloadDecoder.percentDecoded(uri: item.uri).bytes))
        }
    }
}

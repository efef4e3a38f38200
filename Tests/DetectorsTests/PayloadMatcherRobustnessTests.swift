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

    /// The idiom guard never hides an idiom `findIdioms` would find in an unchained text.
    @Test func idiomGuardIsSound() {
        let words = [
            "bash", "-i", "sh", "nc", "ncat", "netcat", "-e", "-c", "mkfifo", "socat", "exec:", "python", "socket",
            "pty.spawn", "curl", "wget", "|", ">&", "0>", "<&", "2>&1", "/dev/tcp/", "/dev/udp/", "base64", "-d", ";", "(",
            ")", " ", " ", " ", "x", "/bin/", "Mozilla/5.0", "e", "c", "-",
        ]
        var seed: UInt64 = 0x0dd_ba11
        var found = 0
        var texts = PayloadMatcherTests.malicious.map { PayloadDecoder.percentDecoded(uri: $0.uri).bytes }
            .map { String(decoding: $0, as: UTF8.self) }
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<(4 + Int(seed % 12)) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += words[Int(seed >> 33) % words.count]
            }
            texts.append(text)
        }
        for text in texts {
            let lower = text.lowercased()
            let idioms = PayloadMatcher.findIdioms(lower, chained: false)
            if !idioms.isEmpty { found += 1 }
            #expect(idioms.isEmpty || PayloadMatcher.mayHoldIdiom(lower), "\(text.debugDescription)")
        }
        #expect(found > 100)
    }

    /// The byte-scan shortcuts of the decoder answer what the character-level code answers.
    @Test func decoderShortcutsAgreeWithTheCharacterLevelCode() {
        let pieces = [" ", " ", "\t", "$", "IFS", "{", "}", "9", "x", "BaSe", "64", "\u{301}", "\u{212A}", "e", "b", "a", "s", "\u{16}6"]
        var seed: UInt64 = 0xface
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(seed % 10) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += pieces[Int(seed >> 33) % pieces.count]
            }
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var steps = PayloadDecoder.Steps()
            var fullSteps = PayloadDecoder.Steps()
            #expect(
                PayloadDecoder.normalizeShell(text, steps: &steps)
                    == PayloadDecoder.normalizeShell(text, steps: &fullSteps, shortcut: false),
                "\(text.debugDescription)")
            #expect(steps == fullSteps)
            #expect(
                PayloadDecoder.mentionsBase64(text) == (text.lowercased().firstRange(of: "base64") != nil),
                "\(text.debugDescription)")
        }
    }

    @Test func prefilterPassesEveryMaliciousCase() {
        for item in PayloadMatcherTests.malicious {
            #expect(PayloadMatcher.mayContainPayload(PayloadDecoder.percentDecoded(uri: item.uri).bytes))
        }
    }
}

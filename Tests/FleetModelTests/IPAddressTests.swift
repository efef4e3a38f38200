import FleetModel
import Testing

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("10.0.0.1", "10.0.0.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("fe80::217:f2ff:fed7:cf65", "fe80::217:f2ff:fed7:cf65"),
        ("::", "::"),
        ("::1", "::1"),
        ("1::", "1::"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:0:0:1::1", "2001:0:0:1::1"),
        ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
    ])
    func roundTrip(input: String, expected: String) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == expected)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.256", "1.2.3.4.5", "::1::", "12345::", "g::1", "1.2.3.-1", ":::"])
    func rejectsMalformed(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func timeFormatting() {
        #expect(NetworkTime(microseconds: 1_234_567_890_123_456).zeekText == "1234567890.123456")
        #expect(NetworkDuration(microseconds: 5).zeekText == "0.000005")
        #expect(NetworkDuration(microseconds: 60_991_770).zeekText == "60.991770")
    }
}

/// The byte-level IPv4 parser against the split-based one it replaced.
@Suite struct IPv4ParserTests {
    static func reference(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    @Test func agreesWithTheSplitParser() {
        var texts = [
            "", ".", "...", "1.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.002.3.4",
            "0001.2.3.4", "1..3.4", ".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "1.2.3.+4", "a.b.c.d",
            "1.2.3.4\u{301}", "１.2.3.4", "٣.2.3.4", "www.example.com", "::1", "10.0.0.1:80", "999.999.999.999",
        ]
        texts += randomTexts(count: 20_000, from: "0123456789.....x-5", maxLength: 17, seed: 0x5eed)
        for text in texts {
            var parsed: UInt32?
            if case .v4(let value) = IPAddress(text) { parsed = value }
            #expect(parsed == Self.reference(Substring(text)), "\(text.debugDescription)")
        }
    }
}

/// The byte-level IPv6 parser against the split-based one it replaced (made strict: that one
/// took a sign before a group, as `UInt16(_:radix:)` does).
@Suite struct IPv6ParserTests {
    static func reference(_ text: String) -> (UInt64, UInt64)? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        var halves = [text]
        if let gap = text.firstRange(of: "::") {
            let after = text[gap.upperBound...]
            guard after.firstRange(of: "::") == nil, !after.hasPrefix(":") else { return nil }
            halves = [String(text[..<gap.lowerBound]), String(after)]
        }
        func groups(_ part: String, allowV4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowV4Tail, index == pieces.count - 1, piece.contains(".") {
                    guard case .v4(let v4) = IPAddress(piece), !piece.contains(":") else { return nil }
                    result += [UInt16(v4 >> 16), UInt16(v4 & 0xffff)]
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, piece.allSatisfy(\.isHexDigit),
                      let group = UInt16(piece, radix: 16) else { return nil }
                result.append(group)
            }
            return result
        }
        var all: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowV4Tail: false), let tail = groups(halves[1], allowV4Tail: true),
                  head.count + tail.count <= 7 else { return nil }
            all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let head = groups(halves[0], allowV4Tail: true), head.count == 8 else { return nil }
            all = head
        }
        return (all[0..<4].reduce(0) { $0 << 16 | UInt64($1) }, all[4..<8].reduce(0) { $0 << 16 | UInt64($1) })
    }

    @Test func agreesWithTheSplitParser() {
        var texts = [
            "::", "::1", "1::", "1::2", ":1::", "1:::2", "::1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
            "1.2.3.4::", "::1.2.3.4:5", "12345::", "+1::", "-0::", "FE80::1", "fe80::0217:f2ff:fed7:cf65", "1:", ":1",
            "1::2:", "::1.2.3", "::256.1.1.1", "edge19.cdn.example.net", "a:b", "2001:db8::1 ", "::\u{301}1",
        ]
        texts += randomTexts(count: 30_000, from: "0123456789abcdefF:::::....x+", maxLength: 24, seed: 0x6eed)
        var accepted = 0
        for text in texts {
            var parsed: (UInt64, UInt64)?
            switch IPAddress(text) {
            case .v6(let high, let low): parsed = (high, low)
            case .v4: continue  // a dotted quad has no colon: both parsers reject it as IPv6
            case nil: parsed = nil
            }
            let expected = Self.reference(text)
            #expect(parsed?.0 == expected?.0 && parsed?.1 == expected?.1, "\(text.debugDescription)")
            if expected != nil { accepted += 1 }
        }
        #expect(accepted > 100)
    }
}

/// Deterministic random ASCII texts of up to `maxLength - 1` characters of `alphabet`.
func randomTexts(count: Int, from alphabet: String, maxLength: UInt64, seed: UInt64) -> [String] {
    let bytes = Array(alphabet.utf8)
    var state = seed
    var texts: [String] = []
    for _ in 0..<count {
        var text: [UInt8] = []
        for _ in 0..<Int(state % maxLength) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text.append(bytes[Int(state >> 33) % bytes.count])
        }
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        texts.append(String(decoding: text, as: UTF8.self))
    }
    return texts
}

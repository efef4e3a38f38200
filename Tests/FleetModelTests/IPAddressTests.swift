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
        var state: UInt64 = 0x5eed
        let alphabet = Array("0123456789.....x-5".utf8)
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(state % 17) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            texts.append(String(decoding: bytes, as: UTF8.self))
        }
        for text in texts {
            var parsed: UInt32?
            if case .v4(let value) = IPAddress(text) { parsed = value }
            #expect(parsed == Self.reference(Substring(text)), "\(text.debugDescription)")
        }
    }
}

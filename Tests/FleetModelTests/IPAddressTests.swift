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

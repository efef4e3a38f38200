import FleetModel
import Storage
import Testing

/// The backend-neutral value types and rules.
@Suite struct StorageValueTests {
    @Test(arguments: [
        ("10.1.2.3/8", "10.0.0.0/8", "10.255.255.255"),
        ("10.1.2.3", "10.1.2.3/32", "10.1.2.3"),
        ("0.0.0.0/0", "0.0.0.0/0", "255.255.255.255"),
        ("2001:db8::1/32", "2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("2001:db8:1:2:3:4:5:6/100", "2001:db8:1:2:3:4::/100", "2001:db8:1:2:3:4:fff:ffff"),
        ("::/0", "::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("fe80::1", "fe80::1/128", "fe80::1"),
    ])
    func networksParseAndNormalize(text: String, normalized: String, last: String) throws {
        let network = try #require(IPNetwork(text))
        #expect(network.description == normalized)
        #expect(network.lastAddress.description == last)
        #expect(network.contains(network.address))
        #expect(network.contains(network.lastAddress))
    }

    @Test(arguments: ["", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "::/129", "10.0.0.0/8/8", "x/8", "10.0.0.0/ 8", "10.0.0.0/0008"])
    func badNetworksAreRejected(text: String) {
        #expect(IPNetwork(text) == nil)
    }

    @Test func networkContainment() throws {
        let v4 = try #require(IPNetwork("192.168.0.0/23"))
        #expect(v4.contains(Fixtures.v4("192.168.1.255")))
        #expect(!v4.contains(Fixtures.v4("192.168.2.0")))
        #expect(!v4.contains(Fixtures.v6("::ffff:192.168.1.1")))
        let all4 = try #require(IPNetwork("0.0.0.0/0"))
        #expect(!all4.contains(Fixtures.v6("::")))
        let v6 = try #require(IPNetwork("2001:db8::/65"))
        #expect(v6.contains(Fixtures.v6("2001:db8::7fff:ffff:ffff:ffff")))
        #expect(!v6.contains(Fixtures.v6("2001:db8::8000:0:0:0")))
        #expect(!v6.contains(Fixtures.v4("32.1.13.184")))
    }

    @Test func dnsNameKeysAndSuffixes() {
        #expect(DNSName.reversedKey("WWW.Example.com.") == "moc.elpmaxe.www")
        #expect(DNSName.reversedKey("..") == "")
        #expect(DNSName.name("a.example.com", hasSuffix: "EXAMPLE.com"))
        #expect(DNSName.name("example.com.", hasSuffix: "example.com"))
        #expect(!DNSName.name("badexample.com", hasSuffix: "example.com"))
        #expect(!DNSName.name("example.com", hasSuffix: "a.example.com"))
        #expect(!DNSName.name("example.com", hasSuffix: ""))
    }

    @Test(arguments: [
        (UInt64(0), UInt64(1), SequenceDecision.apply(gap: nil)),
        (0, 3, .apply(gap: SequenceGap(firstMissing: 1, lastMissing: 2))),
        (5, 6, .apply(gap: nil)),
        (5, 5, .duplicate(lastCommitted: 5)),
        (5, 1, .duplicate(lastCommitted: 5)),
        (5, 100, .apply(gap: SequenceGap(firstMissing: 6, lastMissing: 99))),
    ])
    func sequenceRule(last: UInt64, incoming: UInt64, expected: SequenceDecision) throws {
        #expect(try SequenceDecision.decide(lastCommitted: last, incoming: incoming) == expected)
    }

    @Test func sequenceRuleRejectsZeroAndHuge() {
        #expect(throws: StorageError.invalidSequence) { try SequenceDecision.decide(lastCommitted: 0, incoming: 0) }
        #expect(throws: StorageError.invalidSequence) {
            try SequenceDecision.decide(lastCommitted: 0, incoming: SequenceDecision.maximumSequence + 1)
        }
    }

    @Test func errorsCompareByKind() {
        #expect(StorageError.invalidQuery.with(message: "a") == StorageError.invalidQuery)
        #expect(StorageError.invalidQuery != StorageError.database)
        #expect(StorageError.corruptData.with(message: "x").description.contains("x"))
    }
}

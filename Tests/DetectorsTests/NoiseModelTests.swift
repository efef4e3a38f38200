import FleetModel
import Testing

@testable import Detectors

@Suite struct NoiseModelTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.255.1.2", true), ("10.0.0.0/8", "11.0.0.1", false), ("172.31.0.0/16", "172.31.6.55", true),
        ("0.0.0.0/0", "8.8.8.8", true), ("1.2.3.4", "1.2.3.4", true), ("1.2.3.4/32", "1.2.3.5", false),
        ("fd00:ec2::/32", "fd00:ec2::254", true), ("fe80::/10", "febf::1", true), ("fe80::/10", "fec0::1", false),
        ("2001:db8::/64", "2001:db8::ffff:1", true), ("2001:db8::/65", "2001:db8:0:0:8000::1", false),
        ("::/0", "10.0.0.1", false), ("10.0.0.0/8", "::ffff:10.0.0.1", false),
    ])
    func containment(cidr: String, address: String, expected: Bool) throws {
        let prefix = try #require(CIDR(cidr))
        #expect(prefix.contains(try #require(IPAddress(address))) == expected)
    }

    @Test(arguments: ["", "10.0.0.0/33", "::/129", "10.0.0/8", "10.0.0.0/-1", "10.0.0.0/", "abc/8", "10.0.0.0/8/8"])
    func rejectsMalformed(text: String) { #expect(CIDR(text) == nil) }

    @Test func masksHostBits() {
        #expect(CIDR("10.1.2.3/8") == CIDR("10.0.0.0/8"))
        #expect(CIDR("172.31.0.0/16")?.address(offset: 2) == IPAddress("172.31.0.2"))
    }

    @Test func classification() throws {
        let noise = NoiseModel(
            vpcs: ["a": [try #require(CIDR("172.31.0.0/16"))], "b": [try #require(CIDR("10.1.0.0/16"))]],
            fleetMembers: [try #require(IPAddress("52.1.2.3"))],
            allowlist: [
                .init(
                    cidrs: [try #require(CIDR("203.0.113.0/24"))], domainSuffixes: ["corp.example"],
                    sniNames: ["api.vendor.example"], agents: ["a"])
            ])
        func c(_ text: String, _ agent: String = "a") throws -> AddressClass {
            noise.classify(try #require(IPAddress(text)), agent: agent)
        }
        #expect(try c("169.254.169.254") == .cloudService("metadata"))
        #expect(try c("10.9.9.9", "unconfigured") == .intraVPC)
        #expect(try c("10.9.9.9", "b") == .otherPrivate)
        #expect(try c("fd00:ec2::123") == .cloudService("aws-time"))
        #expect(try c("168.63.129.16") == .cloudService("azure-wireserver"))
        #expect(try c("172.31.0.2") == .cloudService("vpc-resolver"))
        #expect(try c("169.254.1.1") == .linkLocal)
        #expect(try c("fe80::1") == .linkLocal)
        #expect(try c("172.31.9.20") == .intraVPC)
        #expect(try c("172.31.9.20", "b") == .otherPrivate)  // different VPC: kept apart
        #expect(try c("10.1.0.2", "b") == .cloudService("vpc-resolver"))
        #expect(try c("10.1.0.2", "a") == .otherPrivate)
        #expect(try c("203.0.113.7") == .allowlisted)
        #expect(try c("203.0.113.7", "b") == .external)  // rule scoped to agent a
        #expect(try c("52.1.2.3") == .fleetMember)
        #expect(try c("35.217.6.162") == .external)
        #expect(try c("224.0.0.251") == .nonRoutable)
        #expect(noise.isAllowlisted(domain: "git.corp.example.", agent: "a"))
        #expect(!noise.isAllowlisted(domain: "evilcorp.example", agent: "a"))
        #expect(noise.isAllowlisted(sni: "API.vendor.example", agent: "a"))
        #expect(!noise.isAllowlisted(sni: "api.vendor.example", agent: "b"))
    }

    @Test func answerIndexExplainsWithinTTLAndGrace() throws {
        var index = DNSAnswerIndex(grace: .seconds(30))
        let address = try #require(IPAddress("140.82.121.4"))
        let t0 = NetworkTime(seconds: 1000, microseconds: 0)
        let id = ConnID(originatorHost: .v4(1), originatorPort: 5, responderHost: .v4(2), responderPort: 53)
        index.add(
            DNSRecord(
                ts: t0, uid: "D1", id: id, proto: .udp, query: "github.com", qtype: 1,
                answers: ["github.com.cdn.example", "140.82.121.4"], ttls: [60, 60]), agent: "a")
        #expect(index.explains(address, at: t0 + .seconds(1)))
        #expect(index.explains(address, at: t0 + .seconds(89)))
        #expect(!index.explains(address, at: t0 + .seconds(91)))
        #expect(!index.explains(address, at: NetworkTime(seconds: 990, microseconds: 0)))
        #expect(index.explanation(for: address, at: t0)?.name == "github.com")
        index.prune(now: t0 + .seconds(200))
        #expect(index.count == 0)
        // An address keeps its live names and loses the expired ones.
        index.add(name: "short.example", for: address, ttl: 60, at: t0, agent: "a", source: .dns)
        index.add(name: "long.example", for: address, ttl: 600, at: t0, agent: "a", source: .dns)
        index.add(name: "gone.example", for: .v4(7), ttl: 10, at: t0, agent: "a", source: .dns)
        index.prune(now: t0 + .seconds(200))
        #expect(index.count == 1)
        #expect(index.names(for: address) == ["long.example"])
    }

    @Test func answerIndexIsBounded() {
        var index = DNSAnswerIndex(capacity: 100)
        for i in 0..<1000 {
            index.add(
                name: "h\(i).example", for: .v4(UInt32(i)), ttl: 300,
                at: NetworkTime(seconds: Int64(i), microseconds: 0), agent: "a", source: .dns)
        }
        #expect(index.count <= 100)
        #expect(index.explains(.v4(999), at: NetworkTime(seconds: 999, microseconds: 0)))
    }
}

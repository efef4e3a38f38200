import FleetModel
import Testing

@testable import Detectors

@Suite struct NoiseModelConfigTests {
    let sample = """
        # scenario noise
        endpoint metadata 169.254.42.254   # the stand-in
        endpoint time 169.254.42.123/32
        vpc 172.31.0.0/16
        vpc 10.1.0.0/16 agent=vm-2,vm-3
        fleet-member 52.1.2.3
        allow-cidr 203.0.113.10/32 agent=vm-1
        allow-domain corp.example
        allow-sni api.vendor.example\r
        """

    @Test func parsesEveryDirective() throws {
        let noise = try NoiseModel(config: sample, defaultAgents: ["vm-1"])
        func c(_ text: String, _ agent: String = "vm-1") throws -> AddressClass {
            noise.classify(try #require(IPAddress(text)), agent: agent)
        }
        #expect(try c("169.254.42.254") == .cloudService("metadata"))
        #expect(try c("169.254.42.123") == .cloudService("time"))
        #expect(try c("169.254.169.254") == .cloudService("metadata"))  // built-ins kept
        #expect(try c("172.31.0.2") == .cloudService("vpc-resolver"))
        #expect(try c("172.31.9.10") == .intraVPC)
        #expect(try c("10.1.0.9", "vm-2") == .intraVPC)
        #expect(try c("10.1.0.9", "vm-1") == .otherPrivate)
        #expect(try c("52.1.2.3") == .fleetMember)
        #expect(try c("203.0.113.10") == .allowlisted)
        #expect(try c("203.0.113.10", "vm-2") == .external)
        #expect(noise.isAllowlisted(domain: "www.corp.example", agent: "vm-2"))
        #expect(noise.isAllowlisted(sni: "api.vendor.example", agent: "vm-2"))
        #expect(noise.vpcs["vm-1"] == [try #require(CIDR("172.31.0.0/16"))])
    }

    @Test func togglesAndDefaults() throws {
        let noise = try NoiseModel(
            config: "no-default-endpoints\nvpc-resolver off\nprivate-internal off\nvpc 172.31.0.0/16 agent=a",
            defaultAgents: [])
        #expect(noise.cloudEndpoints.isEmpty)
        #expect(!noise.vpcResolverAtBasePlusTwo)
        #expect(!noise.privateIsInternalWhenUnconfigured)
        #expect(noise.classify(try #require(IPAddress("169.254.169.254")), agent: "a") == .linkLocal)
        #expect(noise.classify(try #require(IPAddress("172.31.0.2")), agent: "a") == .intraVPC)
        #expect(try NoiseModel(config: "", defaultAgents: []) == NoiseModel())
    }

    @Test(arguments: [
        ("bogus 1", 1), ("\n\nendpoint metadata", 3), ("endpoint x 1.2.3.4/33", 1), ("vpc", 1), ("vpc 10/8", 1),
        ("vpc 10.0.0.0/8 10.1.0.0/16", 1), ("vpc 10.0.0.0/8", 1), ("vpc 10.0.0.0/8 agent=", 1),
        ("fleet-member 1.2.3", 1), ("vpc-resolver maybe", 1), ("no-default-endpoints now", 1),
        ("endpoint m 1.2.3.4 agent=a", 1), ("allow-domain", 1),
    ])
    func rejectsBadLines(text: String, line: Int) {
        #expect(throws: NoiseConfigError.self) { try NoiseModel(config: text, defaultAgents: []) }
        do {
            _ = try NoiseModel(config: text, defaultAgents: [])
        } catch {
            #expect(error.line == line)
        }
    }

    @Test func everyPrefixOfTheSampleParsesOrFailsCleanly() {
        for count in 0...sample.utf8.count {
            let prefix = String(decoding: sample.utf8.prefix(count), as: UTF8.self)
            _ = try? NoiseModel(config: prefix, defaultAgents: ["vm-1"])
        }
    }
}

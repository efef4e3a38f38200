import FleetModel
import Testing

@testable import Detectors

@Suite struct NoiseConfigurationTests {
    static let sample = """
        # metadata stand-in inside the test namespaces
        endpoint metadata-standin 169.254.10.254/32
        network 192.0.2.0/24 agents=vm-1     # on-prem range vm-1 also reaches directly
        allow cidr 203.0.113.0/24
        allow domain *.Corp.Example. agents=vm-2
        allow sni api.vendor.example
        allowlist extra.txt agents=vm-3
        """

    static func address(_ text: String) -> IPAddress { IPAddress(text) ?? .v4(0) }

    @Test func parsesEveryDirective() throws {
        let configuration = try NoiseConfiguration.parse(Self.sample, source: "noise.conf")
        #expect(configuration.endpoints == [.init("metadata-standin", try #require(CIDR("169.254.10.254/32")))])
        #expect(configuration.includeDefaultEndpoints)
        #expect(configuration.networks == [.init(try #require(CIDR("192.0.2.0/24")), agents: ["vm-1"])])
        #expect(configuration.allowlist.count == 3)
        #expect(configuration.allowlist[1].domainSuffixes == ["corp.example"])
        #expect(configuration.allowlist[1].agents == ["vm-2"])
        #expect(configuration.allowlistFiles == [.init(path: "extra.txt", agents: ["vm-3"])])
    }

    @Test func modelMergesOperatorSettingsWithTheFleet() throws {
        var configuration = try NoiseConfiguration.parse(Self.sample, source: "noise.conf")
        try configuration.addAllowlist("198.51.100.0/24\nsni git.example agents=vm-9\nevil-but-ok.example\n", source: "extra.txt", agents: ["vm-3"])
        let fleet = [
            FleetHost(id: "vm-1", addresses: [Self.address("172.31.6.55"), Self.address("52.1.2.3")],
                      vpcCIDRs: [try #require(CIDR("172.31.0.0/16"))]),
            FleetHost(id: "vm-2", addresses: [Self.address("10.0.0.5")], vpcCIDRs: [try #require(CIDR("10.0.0.0/16"))]),
        ]
        let model = configuration.model(fleet: fleet)
        func c(_ text: String, _ agent: String) -> AddressClass { model.classify(Self.address(text), agent: agent) }
        #expect(c("169.254.10.254", "vm-1") == .cloudService("metadata-standin"))
        #expect(c("169.254.169.254", "vm-1") == .cloudService("metadata"))
        #expect(c("192.0.2.7", "vm-1") == .intraVPC)
        #expect(c("192.0.2.7", "vm-2") == .external)
        #expect(c("172.31.9.9", "vm-1") == .intraVPC)
        #expect(c("172.31.9.9", "vm-2") == .otherPrivate)  // another VPC's private address
        #expect(c("10.0.0.9", "vm-1") == .otherPrivate)
        #expect(c("52.1.2.3", "vm-2") == .fleetMember)
        #expect(c("203.0.113.5", "vm-2") == .allowlisted)
        #expect(c("198.51.100.5", "vm-3") == .allowlisted)
        #expect(c("198.51.100.5", "vm-1") == .external)
        #expect(c("10.9.9.9", "unknown-agent") == .intraVPC)  // unconfigured agents keep the default
        #expect(model.isAllowlisted(domain: "db.corp.example", agent: "vm-2"))
        #expect(!model.isAllowlisted(domain: "db.corp.example", agent: "vm-1"))
        #expect(model.isAllowlisted(sni: "api.vendor.example", agent: "vm-1"))
        #expect(model.isAllowlisted(sni: "git.example", agent: "vm-9"))
        #expect(!model.isAllowlisted(sni: "git.example", agent: "vm-3"))
        #expect(model.isAllowlisted(domain: "x.evil-but-ok.example", agent: "vm-3"))
    }

    @Test func withoutDefaultsOnlyConfiguredEndpointsAreServices() throws {
        let model = try NoiseConfiguration.parse("no-default-endpoints\nendpoint imds 169.254.1.1/32", source: "n")
            .model(fleet: [])
        #expect(model.classify(Self.address("169.254.169.254"), agent: "a") == .linkLocal)
        #expect(model.classify(Self.address("169.254.1.1"), agent: "a") == .cloudService("imds"))
    }

    @Test(arguments: [
        ("bogus 1.2.3.4", 1), ("endpoint x", 1), ("endpoint x 1.2.3.4/33", 1), ("\n\nnetwork abc", 3),
        ("allow cidr", 1), ("allow ip 1.2.3.4", 1), ("allow domain bad name!", 1), ("allow domain *.", 1),
        ("agents=a", 1), ("network 10.0.0.0/8 agents=", 1), ("network 10.0.0.0/8 agents=a agents=b", 1),
        ("endpoint x 1.2.3.4 agents=a", 1), ("# ok\nallowlist", 2), ("no-default-endpoints now", 1),
    ])
    func badLinesNameTheirLine(text: String, line: Int) {
        let error = #expect(throws: NoiseConfigurationError.self) { try NoiseConfiguration.parse(text, source: "f") }
        #expect(error?.line == line)
        #expect(error?.description.hasPrefix("f:\(line): ") == true)
    }

    @Test func badAllowlistEntryAddsNothing() {
        var configuration = NoiseConfiguration()
        #expect(throws: NoiseConfigurationError.self) {
            try configuration.addAllowlist("1.2.3.0/24\nfoo bar baz\n", source: "a.txt")
        }
        #expect(configuration.allowlist.isEmpty)
    }

    @Test func arbitraryBytesNeverCrashTheParser() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("endpoint network allow cidr domain sni allowlist agents=,/.:#\n \t0123456789abcdef*")
        for _ in 0..<500 {
            let text = String((0..<Int.random(in: 0..<80, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? " " })
            _ = try? NoiseConfiguration.parse(text, source: "fuzz")
            var configuration = NoiseConfiguration()
            _ = try? configuration.addAllowlist(text, source: "fuzz")
        }
    }
}

@Suite struct DetectionEngineFleetTests {
    @Test func learnedNamesExplainLaterConnectionsAndNoiseUpdatesApply() {
        var engine = DetectionEngine(configuration: .offline)
        let resolved = NoiseConfigurationTests.address("93.184.216.34")
        let dns = DNSRecord(
            ts: StoryBuilder.time(0), uid: "CD", id: ConnID(
                originatorHost: StoryBuilder.vm, originatorPort: 5000, responderHost: StoryBuilder.resolver, responderPort: 53),
            proto: .udp, query: "www.example.com", answers: ["93.184.216.34"], ttls: [60])
        var names = RecordBatch()
        names.dns = [dns]
        engine.learnNames(names, agent: "vm-a")
        #expect(engine.names.explains(resolved, at: StoryBuilder.time(30)))
        #expect(engine.findings.isEmpty)
        var batch = RecordBatch()
        batch.conns = [
            StoryBuilder.conn("C1", at: 30, StoryBuilder.vm, 40_000, resolved, 9000, duration: 1),
            StoryBuilder.conn("C2", at: 31, StoryBuilder.vm, 40_001, StoryBuilder.attacker, 9000, duration: 1),
        ]
        let findings = engine.ingest(batch, agent: "vm-b")
        #expect(findings.filter { $0.detector == UnexplainedDirectIPDetector.name }.map(\.id) == ["unexplained-direct-ip:vm-b/198.51.100.23"])
        var noise = engine.configuration.noise
        noise.allowlist = [.init(cidrs: [CIDR("198.51.100.0/24")].compactMap { $0 })]
        engine.updateNoise(noise)
        batch.conns = [StoryBuilder.conn("C3", at: 40, StoryBuilder.vm, 40_002, StoryBuilder.attacker, 9001, duration: 1)]
        #expect(engine.ingest(batch, agent: "vm-b").filter { $0.detector == UnexplainedDirectIPDetector.name }.isEmpty)
    }

    @Test func notedAgentSkipsWarmUp() {
        var configuration = DetectionEngine.Configuration()
        configuration.warmUp = .seconds(300)
        var warm = DetectionEngine(configuration: configuration)
        var cold = DetectionEngine(configuration: configuration)
        warm.noteAgent("vm-1", firstSeen: StoryBuilder.time(-3600))
        var batch = RecordBatch()
        batch.conns = [StoryBuilder.conn("C1", at: 10, StoryBuilder.vm, 40_000, StoryBuilder.attacker, 9000, duration: 1)]
        #expect(warm.ingest(batch, agent: "vm-1").contains { $0.detector == UnexplainedDirectIPDetector.name })
        #expect(!cold.ingest(batch, agent: "vm-1").contains { $0.detector == UnexplainedDirectIPDetector.name })
    }
}

@Suite struct NameScopeTests {
    @Test func privateAddressNamesStayWithTheAgentThatSawThem() {
        var names = DNSAnswerIndex()
        let privateHost = NoiseConfigurationTests.address("10.0.0.5")
        let publicHost = NoiseConfigurationTests.address("93.184.216.34")
        names.add(name: "db.internal", for: privateHost, ttl: 300, at: StoryBuilder.time(0), agent: "a", source: .dns)
        names.add(name: "www.example.com", for: publicHost, ttl: 300, at: StoryBuilder.time(0), agent: "a", source: .dns)
        func context(_ agent: String) -> DetectionContext {
            DetectionContext(
                agentID: agent, now: StoryBuilder.time(10), noise: NoiseModel(), names: names, warmUpEnds: nil)
        }
        let at = StoryBuilder.time(10)
        #expect(context("a").explains(privateHost, at: at))
        #expect(context("a").knownNames(for: privateHost) == ["db.internal"])
        // Agent b's 10.0.0.5 may be another VPC's host: a's answer does not speak for it.
        #expect(!context("b").explains(privateHost, at: at))
        #expect(context("b").knownNames(for: privateHost).isEmpty)
        // Public addresses are one host fleet-wide.
        #expect(context("b").explains(publicHost, at: at))
        #expect(context("b").nameExplanation(for: publicHost, at: at)?.name == "www.example.com")
    }
}

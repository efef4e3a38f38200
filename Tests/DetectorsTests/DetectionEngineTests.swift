import Detectors
import FleetModel
import Testing

@Suite struct DetectionEngineTests {
    static func replay(_ configuration: DetectionEngine.Configuration, oneBatch: Bool = false)
        -> (DetectionEngine, [Finding])
    {
        var engine = DetectionEngine(configuration: configuration)
        var emitted: [Finding] = []
        let batches = StoryBuilder.batches()
        if oneBatch {
            var all = RecordBatch()
            for batch in batches { all.append(contentsOf: batch) }
            emitted += engine.ingest(all, agent: "vm-api")
        } else {
            for batch in batches { emitted += engine.ingest(batch, agent: "vm-api") }
        }
        return (engine, emitted)
    }

    static func storyConfiguration(warmUp: NetworkDuration = .seconds(300)) -> DetectionEngine.Configuration {
        var configuration = DetectionEngine.Configuration()
        configuration.noise = StoryBuilder.noise
        configuration.warmUp = warmUp
        return configuration
    }

    static func checkStory(_ engine: DetectionEngine) throws {
        let critical = engine.findings.filter { $0.severity == .critical }
        #expect(critical.count == 1, "critical: \(critical.map(\.summary))")
        let finding = try #require(critical.first)
        #expect(finding.detector == InjectionCallbackDetector.name)
        #expect(finding.agentID == "vm-api")
        #expect(finding.host == StoryBuilder.vm)
        #expect(finding.indicators.addresses.contains(StoryBuilder.callback))
        #expect(finding.indicators.addresses.contains(StoryBuilder.attacker))
        #expect(finding.indicators.uris.contains(StoryBuilder.injectionPythonRaw))
        #expect(finding.indicators.uris.contains(StoryBuilder.injectionShellURI))
        #expect(finding.uids.contains("CR") && finding.uids.contains("CA2"))
        #expect(finding.evidence("callback_uid") == "CR")
        #expect(finding.evidence("callback_duration_s") == "1200")
        #expect(finding.evidence("callback_open") == "false")
        #expect(finding.summary.contains("35.217.6.162"))
        #expect(finding.summary.contains("172.31.6.55"))
        #expect(
            finding.flows.contains {
                $0.id.responderHost == StoryBuilder.callback && $0.id.responderPort == 3000 && $0.proto == .tcp
            })

        // Nothing about the benign flows rises above low.
        let attack: Set<IPAddress> = [StoryBuilder.callback, StoryBuilder.attacker]
        for other in engine.findings where other.severity > .low {
            let involved = Set(other.flows.flatMap { [$0.id.originatorHost, $0.id.responderHost] })
                .union(other.indicators.addresses)
            #expect(!involved.isDisjoint(with: attack), "benign flagged: \(other.severity) \(other.summary)")
        }
        #expect(!engine.findings.contains { $0.detector == BeaconingDetector.name })
    }

    @Test func storyIncrementalYieldsOneCriticalFinding() throws {
        let (engine, emitted) = Self.replay(Self.storyConfiguration())
        try Self.checkStory(engine)
        // The finding was emitted live (before the shell closed) and then updated, never duplicated.
        let updates = emitted.filter { $0.detector == InjectionCallbackDetector.name }
        #expect(updates.count >= 2)
        #expect(Set(updates.map(\.id)).count == 1)
        #expect(updates.first?.evidence("callback_open") == "true")
        // Live long-connection finding from interim records, scored above the admin SSH.
        let long = engine.findings.filter { $0.detector == LongConnectionDetector.name }
        let shell = try #require(long.first { $0.uids == ["CR"] })
        #expect(shell.severity == .high)
        for ssh in long where ssh.uids.contains("CS1") || ssh.uids.contains("CS2") || ssh.uids.contains("CP") {
            #expect(ssh.severity <= .low)
        }
        let injection = engine.findings.filter { $0.detector == CommandInjectionDetector.name }
        #expect(injection.count == 1)
        #expect(injection.first?.severity == .high)
        #expect(
            engine.findings.contains {
                $0.detector == UnexplainedDirectIPDetector.name && $0.indicators.addresses == [StoryBuilder.callback]
            })
        #expect(
            !engine.findings.contains {
                $0.detector == UnexplainedDirectIPDetector.name && $0.indicators.addresses.contains(StoryBuilder.github)
            })
    }

    @Test func storyOfflineAsOneBatch() throws {
        let (engine, _) = Self.replay(Self.storyConfiguration(warmUp: .zero), oneBatch: true)
        try Self.checkStory(engine)
    }

    @Test func storyWithoutAnyConfiguration() throws {
        // Offline analysis of a capture with no noise configuration: private ranges count as the agent's own.
        let (engine, _) = Self.replay(.offline, oneBatch: true)
        try Self.checkStory(engine)
    }

    @Test func reverseLookupsAreNotTunnels() {
        var engine = DetectionEngine(configuration: .offline)
        var batch = RecordBatch()
        let id = ConnID(
            originatorHost: StoryBuilder.vm, originatorPort: 5353, responderHost: StoryBuilder.resolver,
            responderPort: 53)
        for i in 0..<300 {
            batch.dns.append(
                DNSRecord(
                    ts: StoryBuilder.time(Double(i)), uid: "R\(i)", id: id, proto: .udp,
                    query: "\(i % 250).\(i / 250).31.172.in-addr.arpa", qtype: 12))
            batch.dns.append(
                DNSRecord(
                    ts: StoryBuilder.time(Double(i)), uid: "I\(i)", id: id, proto: .udp,
                    query: "ip-172-31-\(i % 250)-\(i / 250).ec2.internal", qtype: 1))
        }
        _ = engine.ingest(batch, agent: "vm-api")
        #expect(engine.findings.isEmpty)
    }

    /// At `maxFindings` the least recently seen findings are dropped, and every drop is counted.
    @Test func findingsBeyondTheLimitAreDroppedOldestFirstAndCounted() {
        var configuration = Self.storyConfiguration(warmUp: .zero)
        configuration.maxFindings = 10
        var engine = DetectionEngine(configuration: configuration)
        var unlimited = DetectionEngine(configuration: Self.storyConfiguration(warmUp: .zero))
        for index in 0..<40 {
            // One connection a batch to a new public address nothing explains.
            let destination = IPAddress.v4(0x5db8_0000 | UInt32(index + 1))
            var batch = RecordBatch()
            batch.conns = [StoryBuilder.conn(
                "C\(index)", at: Double(10 * index), StoryBuilder.vm, 40000, destination, 8080, duration: 1)]
            _ = engine.ingest(batch, agent: "vm-api")
            _ = unlimited.ingest(batch, agent: "vm-api")
        }
        let all = unlimited.findings
        #expect(all.count > 20)
        #expect(unlimited.findingsEvicted == 0)
        #expect(engine.findings.count <= 10)
        #expect(engine.findings.count + engine.findingsEvicted == all.count)
        // What is kept is the most recently seen.
        let newest = all.map(\.lastSeen).sorted().suffix(engine.findings.count)
        #expect(engine.findings.allSatisfy { $0.lastSeen >= newest.first ?? .zero })
        #expect(DetectionEngine.Configuration.offline.maxFindings >= 100_000)
    }

    /// Offline, the kept findings are the output: at the limit the least severe go first, so an
    /// early reverse shell outlives a later flood of lesser findings (the aggregator's order, least
    /// recently seen first, drops it).
    @Test func offlineEvictionDropsTheLeastSevereFirst() {
        func run(_ order: DetectionEngine.EvictionOrder) -> DetectionEngine {
            var configuration = Self.storyConfiguration(warmUp: .zero)
            configuration.maxFindings = 10
            configuration.evictionOrder = order
            var engine = DetectionEngine(configuration: configuration)
            var first = RecordBatch()
            first.http = [HTTPRecord(
                ts: StoryBuilder.time(0), uid: "CI",
                id: ConnID(
                    originatorHost: StoryBuilder.attacker, originatorPort: 51000, responderHost: StoryBuilder.vm,
                    responderPort: 3000),
                transDepth: 1, method: "GET", host: "api", uri: StoryBuilder.injectionShellURI, statusCode: 200,
                uriRaw: StoryBuilder.injectionShellURI)]
            // The reverse shell named in the payload: a critical injection-callback finding.
            first.conns = [StoryBuilder.conn("CS", at: 1, StoryBuilder.vm, 46000, StoryBuilder.callback, 3000, duration: 5)]
            _ = engine.ingest(first, agent: "vm-api")
            for index in 0..<40 {
                var batch = RecordBatch()
                batch.conns = [StoryBuilder.conn(
                    "C\(index)", at: Double(10 * (index + 1)), StoryBuilder.vm, 40000,
                    .v4(0x5db8_0000 | UInt32(index + 1)), 8080, duration: 1)]
                _ = engine.ingest(batch, agent: "vm-api")
            }
            return engine
        }
        let offline = run(.leastSevere)
        let aggregator = run(.leastRecentlySeen)
        #expect(offline.findingsEvicted > 0 && aggregator.findingsEvicted > 0)
        #expect(offline.findings.count == aggregator.findings.count)
        // The flood is of high and info findings: offline keeps the critical one and drops every info first.
        #expect(offline.findings.contains { $0.detector == "injection-callback" && $0.severity == .critical })
        #expect(offline.findings.allSatisfy { $0.severity >= .high })
        #expect(!aggregator.findings.contains { $0.severity == .critical })
        #expect(DetectionEngine.Configuration.offline.evictionOrder == .leastSevere)
        #expect(DetectionEngine.Configuration().evictionOrder == .leastRecentlySeen)
    }

    @Test func replayIsDeterministic() {
        let (a, _) = Self.replay(Self.storyConfiguration())
        let (b, _) = Self.replay(Self.storyConfiguration())
        #expect(a.findings == b.findings)
    }

    @Test func warmUpSuppressesUnexplainedDestinations() {
        var engine = DetectionEngine(configuration: Self.storyConfiguration(warmUp: .seconds(300)))
        let early = StoryBuilder.conn("CE", at: 10, StoryBuilder.vm, 40000, StoryBuilder.callback, 8080, duration: 1)
        let late = StoryBuilder.conn(
            "CL", at: 400, StoryBuilder.vm, 40001, IPAddress("45.33.1.1") ?? .v4(0), 8080,
            duration: 1)
        var batch = RecordBatch()
        batch.conns = [early]
        let first = engine.ingest(batch, agent: "vm-api")
        #expect(!first.contains { $0.detector == UnexplainedDirectIPDetector.name })
        batch.conns = [late]
        let second = engine.ingest(batch, agent: "vm-api")
        #expect(second.contains { $0.detector == UnexplainedDirectIPDetector.name && $0.severity == .high })
    }

    /// An answered ping to an unnamed address is noted, not alarmed: ICMP's "ports" are type and code.
    @Test func unexplainedPingIsLowAndSaysICMP() throws {
        var engine = DetectionEngine(configuration: Self.storyConfiguration(warmUp: .zero))
        var batch = RecordBatch()
        batch.conns = [
            StoryBuilder.conn("CP", at: 10, StoryBuilder.vm, 8, StoryBuilder.callback, 0, proto: .icmp, duration: 1, state: .OTH),
            StoryBuilder.conn("CT", at: 20, StoryBuilder.vm, 40000, StoryBuilder.attacker, 4444, duration: 30),
        ]
        let findings = engine.ingest(batch, agent: "vm-api").filter { $0.detector == UnexplainedDirectIPDetector.name }
        let ping = try #require(findings.first { $0.indicators.addresses == [StoryBuilder.callback] })
        #expect(ping.severity == .low)
        #expect(ping.summary.contains("sent ICMP type 8 to 35.217.6.162"))
        #expect(ping.evidence("icmp_type") == "8" && ping.evidence("icmp_code") == "0")
        let shell = try #require(findings.first { $0.indicators.addresses == [StoryBuilder.attacker] })
        #expect(shell.severity == .high)
        #expect(shell.evidence("responder_port") == "4444")
    }

    @Test func warmUpIsJudgedPerRecordWithinOneBatch() {
        var engine = DetectionEngine(configuration: Self.storyConfiguration(warmUp: .seconds(300)))
        var batch = RecordBatch()
        batch.conns = [
            StoryBuilder.conn("CE", at: 10, StoryBuilder.vm, 40000, StoryBuilder.callback, 8080, duration: 1),
            StoryBuilder.conn(
                "CL", at: 400, StoryBuilder.vm, 40001, IPAddress("45.33.1.1") ?? .v4(0), 8080, duration: 1),
        ]
        let found = engine.ingest(batch, agent: "vm-api").filter { $0.detector == UnexplainedDirectIPDetector.name }
        #expect(found.map(\.uids) == [["CL"]])
    }

    @Test func beaconingRegularVersusIrregular() throws {
        var configuration = Self.storyConfiguration(warmUp: .zero)
        configuration.minimumSeverity = .medium
        var engine = DetectionEngine(configuration: configuration)
        let c2 = try #require(IPAddress("45.33.1.1"))
        let other = try #require(IPAddress("45.33.2.2"))
        let jitter: [Double] = [0, 1, -1, 0.5, 0, -0.5, 2, 0, 1, -1]
        let gaps: [Double] = [3, 400, 17, 90, 1200, 5, 60, 700, 33, 250]
        var batch = RecordBatch()
        var irregular = 0.0
        for i in 0..<30 {
            batch.conns.append(
                StoryBuilder.conn(
                    "B\(i)", at: Double(i * 60) + jitter[i % 10], StoryBuilder.vm,
                    UInt16(30000 + i), c2, 8443, duration: 0.3, bytes: (312, 1024)))
            irregular += gaps[i % 10]
            batch.conns.append(
                StoryBuilder.conn(
                    "N\(i)", at: irregular, StoryBuilder.vm, UInt16(31000 + i), other,
                    8443, duration: 0.3, bytes: (UInt64(100 + i * 37 % 900), 1024)))
        }
        _ = engine.ingest(batch, agent: "vm-api")
        let beacons = engine.findings.filter { $0.detector == BeaconingDetector.name }
        #expect(beacons.count == 1)
        #expect(beacons.first?.indicators.addresses == [c2])
    }

    @Test func dnsTunnellingFlagsRandomSubdomainsOnly() {
        var engine = DetectionEngine(configuration: Self.storyConfiguration(warmUp: .zero))
        var batch = RecordBatch()
        let id = ConnID(
            originatorHost: StoryBuilder.vm, originatorPort: 5353, responderHost: StoryBuilder.resolver,
            responderPort: 53)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<150 {
            var label = ""
            for _ in 0..<40 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                label.append(Array("abcdefghijklmnopqrstuvwxyz0123456789")[Int(seed >> 59) % 36])
            }
            batch.dns.append(
                DNSRecord(
                    ts: StoryBuilder.time(Double(i)), uid: "DT\(i)", id: id, proto: .udp,
                    query: label + ".t.exfil.example", qtype: 16))
            batch.dns.append(
                DNSRecord(
                    ts: StoryBuilder.time(Double(i)), uid: "DG\(i)", id: id, proto: .udp,
                    query: "www.github.com", qtype: 1))
        }
        _ = engine.ingest(batch, agent: "vm-api")
        let tunnels = engine.findings.filter { $0.detector == DNSTunnellingDetector.name }
        #expect(tunnels.count == 1)
        #expect(tunnels.first?.indicators.domains == ["exfil.example"])
        #expect((tunnels.first?.severity ?? .info) >= .high)
    }

    @Test func injectionBeforeOrAfterCallbackAndOutsideWindow() throws {
        let http = HTTPRecord(
            ts: StoryBuilder.time(100), uid: "H",
            id: ConnID(
                originatorHost: StoryBuilder.attacker, originatorPort: 1, responderHost: StoryBuilder.vm,
                responderPort: 3000),
            transDepth: 1, method: "GET", uri: StoryBuilder.injectionShellURI)
        let inWindow = StoryBuilder.conn("C1", at: 100.5, StoryBuilder.vm, 2, StoryBuilder.callback, 3000, duration: 5)
        let late = StoryBuilder.conn("C2", at: 100 + 700, StoryBuilder.vm, 3, StoryBuilder.callback, 3000, duration: 5)
        let wrongPort = StoryBuilder.conn("C3", at: 101, StoryBuilder.vm, 4, StoryBuilder.callback, 4444, duration: 5)
        for order in [[0, 1], [1, 0]] {
            var engine = DetectionEngine(configuration: Self.storyConfiguration(warmUp: .zero))
            var batches = [RecordBatch(), RecordBatch()]
            batches[0].http = [http]
            batches[1].conns = [inWindow, wrongPort]
            for index in order { _ = engine.ingest(batches[index], agent: "vm-api") }
            let critical = engine.findings.filter { $0.severity == .critical }
            #expect(critical.count == 1)
            #expect(critical.first?.uids.contains("C3") == false)
        }
        var engine = DetectionEngine(configuration: Self.storyConfiguration(warmUp: .zero))
        var batch = RecordBatch()
        batch.http = [http]
        batch.conns = [late]
        _ = engine.ingest(batch, agent: "vm-api")
        #expect(!engine.findings.contains { $0.severity == .critical })
    }
}

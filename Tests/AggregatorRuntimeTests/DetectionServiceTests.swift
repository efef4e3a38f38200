import AgentCore
import AgentRuntime
import AggregatorRuntime
import Detectors
import FleetCLI
import FleetModel
import FleetWire
import Storage
import StorageSQLite
import Testing

/// The detectors running in the aggregator: batches go through the real ingest server (loopback), the
/// DetectionService evaluates what the store committed, and findings land in the SQLite finding store.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DetectionServiceTests {
    typealias F = DetectionFixtures

    static func injectionCallbacks(_ store: any FindingStore) async throws -> [Finding] {
        try await store.findings(FindingQuery(detector: InjectionCallbackDetector.name))
    }

    /// With the agent's default batching, and with tiny batches that split every drain: a split ships DNS/HTTP/SSL
    /// records before conns (AgentCore's RecordAccumulator.removeFirst), so no conn is judged before the DNS answer
    /// that explains it, and the findings equal fleetctl analyze's.
    @Test(arguments: [BatchPolicy().maxRecords, 3])
    func storyCaptureGivesTheSameCriticalFindingAsFleetctlAnalyze(maxRecords: Int) async throws {
        let file = try #require(TestSupport.trace("story-reverse-shell.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        var options = OfflineAnalysis.Options()
        options.outputDirectory = nil
        options.agentName = "agent-1"
        let offline = try OfflineAnalysis.run(files: [file], options: options).findings
        let expected = try #require(offline.first { $0.detector == InjectionCallbackDetector.name })
        #expect(expected.severity == .critical)

        let batches = try await TestSupport.producedBatches(file, policy: BatchPolicy(maxRecords: maxRecords))
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        let clock = ManualClock(F.time(0))
        let service = F.service(store: store, clock: clock)
        try await F.running(service) {
            try await TestSupport.withAggregator(
                store: store, authenticator: AgentAuthenticator(tokens: ["agent-1": "secret"]), observer: service
            ) { server in
                let shipper = try Shipper(
                    configuration: TestSupport.shipperConfiguration(port: server.localPort),
                    spool: TestSupport.spool(directory.file("spool")), logger: TestSupport.logger)
                let summary = try await shipper.run(input: TestSupport.stream(batches))
                #expect(summary.ending == .drained)
            }
        }
        let counters = service.counters.snapshot
        #expect(counters.batchesDropped == 0)
        #expect(counters.batchesEvaluated == UInt64(batches.filter { !$0.records.isEmpty }.count))
        #expect(counters.findingsUnwritten == 0)
        #expect(counters.findingsWritten > 0)
        let stored = try await Self.injectionCallbacks(store)
        try #require(stored.count == 1)
        let finding = stored[0]
        #expect(finding.id == expected.id)
        #expect(finding.severity == .critical)
        #expect(finding.score == expected.score)
        #expect(finding.agentID == "agent-1")
        #expect(finding.host == expected.host)
        #expect(finding.firstSeen == expected.firstSeen)
        #expect(Set(finding.uids) == Set(expected.uids))
        #expect(Set(finding.flows) == Set(expected.flows))
        #expect(Set(finding.indicators.addresses) == Set(expected.indicators.addresses))
        #expect(Set(finding.indicators.uris) == Set(expected.indicators.uris))
        for key in ["callback", "attacker", "injected_uri", "http_uid", "callback_uid", "callback_flow", "techniques"] {
            #expect(finding.evidence(key) == expected.evidence(key), "evidence \(key)")
        }
        // Every finding fleetctl analyze reports is in the store too, at the same severity.
        let all = try await store.findings(FindingQuery())
        #expect(Set(all.map { "\($0.id) \($0.severity)" }) == Set(offline.map { "\($0.id) \($0.severity)" }))
    }

    @Test func dnsAnswerShippedByOneAgentExplainsAnotherAgentsConnection() async throws {
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        let service = F.service(store: store, clock: ManualClock(F.time(0)))
        let resolved = F.address("93.184.216.34")
        let unresolved = F.address("203.0.113.200")
        try await F.running(service) {
            try await TestSupport.withAggregator(store: store, observer: service) { server in
                var answerBatch = RecordBatch()
                answerBatch.dns = [F.dnsAnswer(at: 1, client: F.address("10.0.0.5"), name: "www.example.com", answer: resolved, ttl: 300)]
                let a = try await F.ship(port: server.localPort, [
                    F.hello("vm-a", vpc: "10.0.0.0/16"), F.batch("vm-a", 1, answerBatch),
                ])
                #expect(a.count == 2)
                var conns = RecordBatch()
                conns.conns = [
                    F.conn("CB1", at: 30, F.address("172.31.6.55"), 44_000, resolved, 8443, duration: 2),
                    F.conn("CB2", at: 31, F.address("172.31.6.55"), 44_001, unresolved, 8443, duration: 2),
                ]
                let b = try await F.ship(port: server.localPort, [
                    F.hello("vm-b", vpc: "172.31.0.0/16"), F.batch("vm-b", 1, conns),
                ])
                #expect(b.count == 2)
            }
        }
        let unexplained = try await store.findings(FindingQuery(detector: UnexplainedDirectIPDetector.name))
        #expect(unexplained.map(\.id) == ["unexplained-direct-ip:vm-b/203.0.113.200"])
        // The hellos' VPCs are in the noise model, kept apart per agent.
        let noise = await service.noiseModel
        #expect(noise.classify(F.address("10.0.3.3"), agent: "vm-a") == .intraVPC)
        #expect(noise.classify(F.address("10.0.3.3"), agent: "vm-b") == .otherPrivate)
        #expect(noise.classify(F.address("172.31.0.2"), agent: "vm-b") == .cloudService("vpc-resolver"))
    }

    /// A replayed capture is months old: the agent registers "now" on the wall clock, but its warm-up runs in
    /// packet time from its first record, so a connection 400 s into the capture is judged, one at 10 s is not.
    @Test func warmUpFollowsPacketTimeNotTheWallClock() async throws {
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        var configuration = DetectionServiceConfiguration()
        configuration.engine.warmUp = .seconds(300)
        configuration.tickInterval = .milliseconds(20)
        let clock = ManualClock(F.time(90 * 86_400))
        let service = DetectionService(
            configuration: configuration, findings: store, now: clock.now, logger: TestSupport.logger)
        let early = F.address("203.0.113.7")
        let late = F.address("203.0.113.8")
        try await F.running(service) {
            try await TestSupport.withAggregator(store: store, observer: service) { server in
                var first = RecordBatch()
                first.conns = [F.conn("CW1", at: 10, F.vm, 44_000, early, 4444, duration: 2)]
                var second = RecordBatch()
                second.conns = [F.conn("CW2", at: 400, F.vm, 44_001, late, 4444, duration: 2)]
                let answers = try await F.ship(port: server.localPort, [
                    F.hello("vm-replay", vpc: "172.31.0.0/16"), F.batch("vm-replay", 1, first),
                    F.batch("vm-replay", 2, second),
                ])
                #expect(answers.count == 3)
            }
        }
        let unexplained = try await store.findings(FindingQuery(detector: UnexplainedDirectIPDetector.name))
        #expect(unexplained.map(\.id) == ["unexplained-direct-ip:vm-replay/203.0.113.8"])
    }

    @Test func secondInjectionWithTheSameCallbackUpdatesTheFinding() async throws {
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        let service = F.service(store: store, clock: ManualClock(F.time(0)))
        try await F.running(service) {
            try await TestSupport.withAggregator(store: store, observer: service) { server in
                var first = RecordBatch()
                first.http = [F.injection("CH1", at: 10, uri: F.shellURI)]
                first.conns = [F.conn("CS1", at: 10.3, F.vm, 41_862, F.callback, 3000, duration: 30, interim: true)]
                var second = RecordBatch()
                second.http = [F.injection("CH2", at: 100, uri: F.pythonURI, port: 51_001)]
                second.conns = [F.conn("CS2", at: 100.4, F.vm, 41_900, F.callback, 3000, duration: 5)]
                let answers = try await F.ship(port: server.localPort, [
                    F.hello("vm-1"), F.batch("vm-1", 1, first), F.batch("vm-1", 2, second),
                ])
                #expect(answers.count == 3)
            }
        }
        let stored = try await Self.injectionCallbacks(store)
        try #require(stored.count == 1)
        #expect(stored[0].id == "injection-callback:vm-1/35.217.6.162")
        #expect(Set(stored[0].indicators.uris) == [F.shellURI, F.pythonURI])
        #expect(Set(stored[0].uids).isSuperset(of: ["CH1", "CS1", "CH2", "CS2"]))
        #expect(stored[0].revision >= 2)
    }

    @Test func findingsAndNamesSurviveAnAggregatorRestart() async throws {
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.file("agg.sqlite")
        let clock = ManualClock(F.time(0))
        let resolved = F.address("93.184.216.34")
        do {
            let store = try await TestSupport.store(path)
            let service = F.service(store: store, clock: clock)
            try await F.running(service) {
                try await TestSupport.withAggregator(store: store, observer: service) { server in
                    var batch = RecordBatch()
                    batch.dns = [F.dnsAnswer(at: 1, client: F.vm, name: "api.example.com", answer: resolved, ttl: 600)]
                    batch.http = [F.injection("CH1", at: 10, uri: F.shellURI)]
                    batch.conns = [F.conn("CS1", at: 10.3, F.vm, 41_862, F.callback, 3000, duration: 30)]
                    _ = try await F.ship(port: server.localPort, [F.hello("vm-1", vpc: "172.31.0.0/16"), F.batch("vm-1", 1, batch)])
                }
            }
        }
        let before = try await Self.injectionCallbacks(try await TestSupport.store(path))
        try #require(before.count == 1)

        // A new process: new store handle, new service restored from the file, two minutes later.
        clock.advance(seconds: 120)
        let store = try await TestSupport.store(path)
        let service = F.service(store: store, clock: clock)
        let summary = try await service.restore(from: store)
        #expect(summary.agents == 1 && summary.dnsRecords == 1)
        #expect(await service.noiseModel.vpcs["vm-1"] == [try #require(IPNetwork("172.31.0.0/16"))])
        try await F.running(service) {
            try await TestSupport.withAggregator(store: store, observer: service) { server in
                var batch = RecordBatch()
                // Explained by the answer seen before the restart.
                batch.conns = [F.conn("CX1", at: 120, F.vm, 45_000, resolved, 8443, duration: 3)]
                batch.http = [F.injection("CH9", at: 125, uri: F.pythonURI, port: 51_009)]
                batch.conns.append(F.conn("CS9", at: 125.5, F.vm, 41_990, F.callback, 3000, duration: 3))
                _ = try await F.ship(port: server.localPort, [F.hello("vm-1", vpc: "172.31.0.0/16"), F.batch("vm-1", 2, batch)])
            }
        }
        #expect(try await store.findings(FindingQuery(detector: UnexplainedDirectIPDetector.name)).map(\.id)
            == ["unexplained-direct-ip:vm-1/35.217.6.162"])
        let after = try await Self.injectionCallbacks(store)
        try #require(after.count == 1)
        #expect(after[0].id == before[0].id)
        #expect(after[0].firstSeen == before[0].firstSeen)
        #expect(Set(after[0].indicators.uris) == [F.shellURI, F.pythonURI])
        #expect(after[0].revision > before[0].revision)
    }

    @Test func duplicateBatchesAreNotObservedTwice() async throws {
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        let service = F.service(store: store, clock: ManualClock(F.time(0)))
        var first = RecordBatch()
        first.http = [F.injection("CH1", at: 10, uri: F.shellURI)]
        var second = RecordBatch()
        second.conns = [F.conn("CS1", at: 10.3, F.vm, 41_862, F.callback, 3000, duration: 30)]
        let messages = [F.hello("vm-1"), F.batch("vm-1", 1, first), F.batch("vm-1", 2, second)]
        var revisions: [Int] = []
        try await F.running(service) {
            try await TestSupport.withAggregator(store: store, observer: service) { server in
                _ = try await F.ship(port: server.localPort, messages)
                // Wait until both batches are evaluated and written, then replay them as a reconnect would.
                for _ in 0..<500 where service.counters.snapshot.batchesEvaluated < 2 { try await Task.sleep(for: .milliseconds(10)) }
                try await Task.sleep(for: .milliseconds(100))
                revisions = try await store.findings(FindingQuery()).map(\.revision)
                let replay = try await F.ship(port: server.localPort, messages)
                #expect(replay.dropFirst().allSatisfy {
                    if case .ack(let ack) = $0 { return ack.status == .duplicate }
                    return false
                })
            }
        }
        let counters = service.counters.snapshot
        #expect(counters.batchesQueued == 2)
        #expect(counters.batchesEvaluated == 2)
        let findings = try await store.findings(FindingQuery())
        #expect(findings.map(\.revision) == revisions)
        #expect(try await Self.injectionCallbacks(store).count == 1)
    }

    @Test func longConnectionIsFlaggedLiveFromAnInterimRecord() async throws {
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        let service = F.service(store: store, clock: ManualClock(F.time(0)))
        try await F.running(service) {
            try await TestSupport.withAggregator(store: store, observer: service) { server in
                var batch = RecordBatch()
                batch.conns = [F.conn("CL1", at: 0, F.vm, 41_862, F.callback, 3000, duration: 660, interim: true)]
                _ = try await F.ship(port: server.localPort, [F.hello("vm-1"), F.batch("vm-1", 1, batch)])
            }
        }
        let long = try await store.findings(FindingQuery(detector: LongConnectionDetector.name))
        try #require(long.count == 1)
        #expect(long[0].evidence("still_open") == "true")
        #expect(long[0].severity >= .high)
    }

    @Test func fullQueueDropsAndCountsInsteadOfWaiting() async throws {
        let store = InMemoryFlowStore()
        let service = F.service(store: store, clock: ManualClock(F.time(0)), queueCapacity: 2)
        var records = RecordBatch()
        records.http = [F.injection("CH1", at: 10, uri: F.shellURI)]
        for sequence in UInt64(1)...5 {
            service.batchStored(IngestBatch(agent: "vm-1", sequence: sequence, receivedAt: F.time(0), records: records))
        }
        var counters = service.counters.snapshot
        #expect(counters.batchesQueued == 2)
        #expect(counters.batchesDropped == 3)
        #expect(counters.recordsDropped == 3)
        service.finish()
        await service.run()
        counters = service.counters.snapshot
        #expect(counters.batchesEvaluated == 2)
        #expect(try await store.findings(FindingQuery(detector: CommandInjectionDetector.name)).count == 1)
    }

    @Test func noiseReloadAllowlistsADestinationAndTicksAgeState() async throws {
        let store = InMemoryFlowStore()
        let clock = ManualClock(F.time(0))
        let service = F.service(store: store, clock: clock)
        var allow = NoiseConfiguration()
        try allow.addAllowlist("cidr 203.0.113.0/24\n", source: "test")
        await service.reloadNoise(allow)
        var batch = RecordBatch()
        batch.conns = [
            F.conn("C1", at: 1, F.vm, 40_000, F.address("203.0.113.9"), 9000, duration: 1),
            F.conn("C2", at: 1, F.vm, 40_001, F.address("198.18.0.1"), 9000, duration: 1),
        ]
        await service.evaluate(IngestBatch(agent: "vm-1", sequence: 1, receivedAt: F.time(0), records: batch))
        await service.tick()
        #expect(try await store.findings(FindingQuery(detector: UnexplainedDirectIPDetector.name)).map(\.id)
            == ["unexplained-direct-ip:vm-1/198.18.0.1"])
        // An injection, then 11 quiet minutes: the pending injection ages out, so a late connection to the
        // callback is no longer tied to it.
        var injection = RecordBatch()
        injection.http = [F.injection("CH1", at: 2, uri: F.shellURI)]
        await service.evaluate(IngestBatch(agent: "vm-1", sequence: 2, receivedAt: F.time(0), records: injection))
        clock.advance(seconds: 660)
        await service.tick()
        var late = RecordBatch()
        late.conns = [F.conn("CS1", at: 3, F.vm, 41_862, F.callback, 3000, duration: 30)]
        await service.evaluate(IngestBatch(agent: "vm-1", sequence: 3, receivedAt: F.time(0), records: late))
        await service.tick()
        #expect(try await Self.injectionCallbacks(store).isEmpty)
        #expect(service.counters.snapshot.ticks == 3)
    }
}

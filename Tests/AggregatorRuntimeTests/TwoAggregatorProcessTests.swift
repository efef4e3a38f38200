import Detectors
import FleetCLI
import FleetModel
import Foundation
import Storage
import StoragePostgres
import Testing

/// Issue 7, must-show 2, with real processes: two `fleet-aggregator`s on one PostgreSQL schema, five `fleet-agent`s
/// with both aggregators in their lists (split: some prefer the first, some the second), the first aggregator
/// SIGKILLed mid-stream (the victim's agent ships the injection through it, then, run again on the same spool, the
/// shell through the survivor). Checks: every record stored exactly once per agent (store == `fleetctl analyze` of the
/// agent's capture); the agents that were on the killed aggregator failed over; the injection the victim shipped
/// through aggregator 1 and the callback it shipped through aggregator 2 are one critical finding; the DNS answer
/// one agent shipped through aggregator 1 explains another agent's connection shipped through aggregator 2.
/// Loopback only; every process is ended by PID. Skipped without `FLEET_TEST_POSTGRES_URL`.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["FLEET_TEST_POSTGRES_URL"] != nil,
                             "FLEET_TEST_POSTGRES_URL is not set: the two-aggregator process test is skipped"),
       .timeLimit(.minutes(5)))
struct TwoAggregatorProcessTests {
    /// The story capture's start (2025-11-28T08:00:00Z) and scenes, in microseconds.
    static let start: Int64 = 1_764_316_800 * 1_000_000
    static func at(_ seconds: Double) -> Int64 { start + Int64(seconds * 1_000_000) }
    static let exploitAt = 1_420.0
    static let shellPort: UInt16 = 41_862
    static let github = "140.82.121.4"
    /// Captures cut from the story: the victim's exploit, then its shell (replayed by two runs of the victim's
    /// agent, so that aggregator 1 dies between them), one agent's DNS lookups, another agent's connection to the
    /// looked-up address without its lookup (and without the TLS ClientHello, whose SNI would name it), and a
    /// generated mix.
    struct Captures {
        let exploit: String
        let shell: String
        let resolver: String
        let direct: String
        let mix: String

        init(directory: TestSupport.TemporaryDirectory, harness: ProcessHarness) async throws {
            let story = try PcapSlice(path: try #require(TestSupport.trace("story-reverse-shell.pcap")))
            // The exploit's HTTP exchange ends before the shell starts at +0.38 s.
            exploit = directory.file("exploit.pcap")
            try story.write(to: exploit, keep: { $0.time >= at(exploitAt - 0.5) && $0.time < at(exploitAt + 0.35) })
            shell = directory.file("shell.pcap")
            try story.write(to: shell, keep: { $0.time >= at(exploitAt + 0.35) && $0.time < at(exploitAt + 12) })
            resolver = directory.file("resolver.pcap")
            try story.write(to: resolver, keep: { packet in
                guard let ip = packet.ipv4 else { return false }
                return ip.proto == 17 && (ip.sourcePort == 53 || ip.destinationPort == 53) && packet.time < at(20)
            })
            direct = directory.file("direct.pcap")
            // Without payload (no ClientHello: its SNI would name the address by itself).
            try story.write(to: direct, keep: { $0.involves(github) && $0.time < at(20) && $0.tcpPayloadLength == 0 })
            mix = directory.file("mix.pcap")
            try await harness.runToEnd("fleet-pcapgen", [
                "mix", "--packets", "30000", "--flows", "3000", "--seed", "11", "--duration", "40", "--out", mix,
            ])
        }
    }

    @Test func agentsFailOverAndDetectionSpansBothAggregators() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["FLEET_TEST_POSTGRES_URL"])
        try await PostgresFlowStore.withTemporarySchema(url: url) { store, schemaURL in
            let directory = TestSupport.TemporaryDirectory()
            let harness = ProcessHarness(directory: directory.path)
            defer {
                harness.cleanUp()
                directory.cleanUp()
            }
            let captures = try await Captures(directory: directory, harness: harness)
            // Control: alone, the direct agent's connection to github's address is unexplained.
            var options = OfflineAnalysis.Options()
            options.outputDirectory = nil
            let alone = try OfflineAnalysis.run(files: [captures.direct], options: options).findings
            #expect(alone.contains { $0.detector == UnexplainedDirectIPDetector.name && $0.id.hasSuffix("/" + Self.github) })

            let extra = ["--warm-up", "0"]
            let (first, firstPort) = try await harness.startAggregator(
                store: schemaURL, port: TestSupport.stablePort(), extra: extra)
            #expect(try await ProcessHarness.eventually(timeout: .seconds(30)) { first.log.contains("detection lease taken") },
                    "aggregator 1 did not take the detection lease: \(first.log)")
            let (second, secondPort) = try await harness.startAggregator(store: schemaURL, extra: extra)
                        func spool(_ name: String) -> String { directory.file("spool-" + name) }

            // Names first: the resolver agent through aggregator 1, then the direct agent through aggregator 2.
            let resolver = try harness.startAgent(capture: captures.resolver, port: firstPort, failoverPorts: [secondPort], spool: spool("resolver"), agentID: "vm-resolver")
            #expect(try await resolver.waitForExit(timeout: .seconds(60)) == 0, "\(resolver.log)")
            let direct = try harness.startAgent(capture: captures.direct, port: secondPort, failoverPorts: [firstPort], spool: spool("direct"), agentID: "vm-direct")
            #expect(try await direct.waitForExit(timeout: .seconds(60)) == 0, "\(direct.log)")

            // The stream: two mix agents (~13 s of replay each, one per aggregator); the victim ships its
            // injection through aggregator 1 and exits once it is acknowledged.
            let mixFirst = try harness.startAgent(capture: captures.mix, port: firstPort, failoverPorts: [secondPort], spool: spool("m1"), speed: 3, agentID: "vm-mix-1")
            let mixSecond = try harness.startAgent(capture: captures.mix, port: secondPort, failoverPorts: [firstPort], spool: spool("m2"), speed: 3, agentID: "vm-mix-2")
            let injection = try harness.startAgent(
                capture: captures.exploit, port: firstPort, failoverPorts: [secondPort], spool: spool("victim"), agentID: "vm-victim", uidSeed: 1)
            #expect(try await injection.waitForExit(timeout: .seconds(60)) == 0, "\(injection.log)")
            let victimOnly = RecordQuery(agent: "vm-victim", limit: 100)
            #expect(try await !store.http(victimOnly).isEmpty, "the injection was not stored")
            // Mid-stream for vm-mix-1 (batches stored, still replaying): aggregator 1 dies.
            #expect(try await ProcessHarness.eventually(timeout: .seconds(60)) {
                try await store.lastCommittedSequence(for: "vm-mix-1") >= 2
            }, "vm-mix-1 stored nothing: \(mixFirst.log)")
            #expect(mixFirst.isRunning, "vm-mix-1 finished before the kill: not mid-stream")
            try await first.kill9()
            // The victim's shell comes next, from the same agent (same id and spool): aggregator 1 is gone.
            let victim = try harness.startAgent(
                capture: captures.shell, port: firstPort, failoverPorts: [secondPort], spool: spool("victim"), agentID: "vm-victim",
                uidSeed: 2)

            for agent in [mixFirst, mixSecond, victim] {
                #expect(try await agent.waitForExit(timeout: .seconds(120)) == 0, "\(agent.log)")
            }
            #expect(try await ProcessHarness.eventually(timeout: .seconds(30)) {
                !(try await store.findings(FindingQuery(detector: InjectionCallbackDetector.name))).isEmpty
            }, "no injection-callback finding: \(second.log)")
            try await Task.sleep(for: .seconds(2))  // later feed entries merge into it; nothing else should appear
            second.signal(SIGTERM)
            #expect(try await second.waitForExit(timeout: .seconds(30)) == 0)

            // Exactly once, per agent.
            for (agent, capture) in [
                ("vm-resolver", captures.resolver), ("vm-direct", captures.direct), ("vm-mix-1", captures.mix),
                ("vm-mix-2", captures.mix),
            ] {
                try await TestSupport.expectStore(store, holds: try TestSupport.offlineRecords(capture), agent: AgentID(agent))
                let info = try #require(try await store.agent(AgentID(agent)))
                #expect(info.counters.missedBatches == 0, "\(agent)")
                #expect(info.counters.batches == info.lastSequence, "\(agent)")
            }
            // Two runs of the agent, two uid sequences (a restarted agent must not reuse uids).
            var victimRecords = try TestSupport.offlineRecords(captures.exploit, uidSeed: 1)
            let shellRecords = try TestSupport.offlineRecords(captures.shell, uidSeed: 2)
            victimRecords.conns += shellRecords.conns
            victimRecords.dns += shellRecords.dns
            victimRecords.http += shellRecords.http
            victimRecords.ssl += shellRecords.ssl
            victimRecords.weirds += shellRecords.weirds
            try await TestSupport.expectStore(store, holds: victimRecords, agent: "vm-victim")
            #expect(try await store.agent("vm-victim")?.counters.missedBatches == 0)
            #expect(try await store.conns(victimOnly).contains { $0.record.id.responderPort == 3000 && $0.record.id.originatorPort == Self.shellPort })
                        #expect(mixFirst.log.contains("failed over"), "vm-mix-1 did not fail over: \(mixFirst.log)")
            #expect(victim.log.contains("failed over"), "the victim did not fail over: \(victim.log)")
            #expect(second.log.contains("detection lease taken"), "aggregator 2 did not take over detection: \(second.log)")

            let callbacks = try await store.findings(FindingQuery(detector: InjectionCallbackDetector.name))
            #expect(callbacks.count == 1)
            let finding = try #require(callbacks.first)
            #expect(finding.severity == .critical && finding.agentID == "vm-victim")
            #expect(finding.indicators.addresses.map(\.description).contains("35.217.6.162"))
            #expect(finding.indicators.uris.contains { $0.contains("/dangerzone") })
            let unexplained = try await store.findings(FindingQuery(detector: UnexplainedDirectIPDetector.name))
            #expect(!unexplained.contains { $0.id.hasSuffix("/" + Self.github) },
                    "vm-resolver's DNS answer (via aggregator 1) did not explain vm-direct's connection (via aggregator 2)")
        }
    }
}

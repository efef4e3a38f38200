import AggregatorRuntime
import Detectors
import FleetModel
import Foundation
import Logging
import Storage
import StoragePostgres
import Testing

private typealias F = DetectionFixtures

/// Fleet-wide detection with two aggregators on one PostgreSQL database (in process: two ingest servers, two
/// stores with their own connection pools, two ``DetectionLeader``s). Skipped without `FLEET_TEST_POSTGRES_URL`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FLEET_TEST_POSTGRES_URL"] != nil,
                "FLEET_TEST_POSTGRES_URL is not set: PostgreSQL detection tests skipped (scripts/with-postgres.sh sets it)"),
       .timeLimit(.minutes(2)))
struct DetectionLeaderTests {
    /// One aggregator: a store with its own pool, an ingest server, and a detection leader; `stop()` ends all
    /// three, as a killed process would (its database sessions close, so its lease is released).
    final class Aggregator: Sendable {
        let store: PostgresFlowStore
        let server: IngestServer
        let leader: DetectionLeader
        let tasks: [Task<Void, Never>]

        init(url: String, rebuild: Bool = true) async throws {
            store = try PostgresFlowStore(url: url, logger: PostgresFlowStore.quietLogger)
            let pool = Task { [store] in await store.run() }
            var configuration = DetectionServiceConfiguration()
            configuration.engine.warmUp = .zero
            let service = DetectionService(
                configuration: configuration, findings: store, now: WallClock.now, logger: TestSupport.logger)
            var leaderConfiguration = DetectionLeaderConfiguration()
            leaderConfiguration.pollInterval = .milliseconds(50)
            leaderConfiguration.standbyInterval = .milliseconds(100)
            if !rebuild { leaderConfiguration.rebuild = .zero }
            leader = DetectionLeader(
                feed: store, store: store, service: service, configuration: leaderConfiguration, logger: TestSupport.logger)
            server = try await IngestServer.bind(
                configuration: IngestServerConfiguration(host: "127.0.0.1", port: 0, authenticator: .anyAgent),
                store: store, observer: nil, logger: TestSupport.logger)
            tasks = [pool, Task { [server] in try? await server.run() }, Task { [leader] in await leader.run() }]
        }

        var port: Int { server.localPort }
        var leads: Bool { leader.counters.snapshot.leader == 1 }

        func stop() async {
            server.close()
            for task in tasks.reversed() { task.cancel() }
            for task in tasks { await task.value }
        }
    }

    static func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for \(what)")
    }

    /// With `rebuild` off (the control), the new lease holder starts from the cursor without re-reading the
    /// recent feed, so it never saw the injection: no chained finding. That is what the rebuild is for.
    @Test(arguments: [true, false])
    func injectionThroughOneAggregatorAndCallbackThroughTheOtherAreOneCriticalFinding(rebuild: Bool) async throws {
        let url = try #require(ProcessInfo.processInfo.environment["FLEET_TEST_POSTGRES_URL"])
        try await PostgresFlowStore.withTemporarySchema(url: url) { reader, schemaURL in
            let first = try await Aggregator(url: schemaURL)
            try await Self.eventually("the first aggregator to take the lease") { first.leads }
            let second = try await Aggregator(url: schemaURL, rebuild: rebuild)
            defer { Task { await second.stop() } }
            try await Task.sleep(for: .milliseconds(300))
            #expect(!second.leads, "two lease holders")

            // Through aggregator 1: vm-a resolves www.example.com; the victim receives the injection.
            let resolved = F.address("93.184.216.34")
            var answer = RecordBatch()
            answer.dns = [F.dnsAnswer(at: 1, client: F.address("10.0.0.5"), name: "www.example.com", answer: resolved, ttl: 300)]
            #expect(try await F.ship(port: first.port, [F.hello("vm-a", vpc: "10.0.0.0/16"), F.batch("vm-a", 1, answer)]).count == 2)
            var injection = RecordBatch()
            injection.http = [F.injection("CInj", at: 100, uri: F.shellURI)]
            #expect(try await F.ship(port: first.port, [F.hello("victim", vpc: "172.31.0.0/16"), F.batch("victim", 1, injection)]).count == 2)
            try await Self.eventually("the injection finding") {
                !(try await reader.findings(FindingQuery(detector: CommandInjectionDetector.name))).isEmpty
            }

            // Aggregator 1 goes away; aggregator 2 takes the lease and rebuilds the state from the feed.
            await first.stop()
            try await Self.eventually("the second aggregator to take the lease") { second.leads }

            // Through aggregator 2: the victim's callback to the address in the payload; vm-b connects to the
            // address vm-a resolved (explained) and to one nobody resolved (not explained).
            var callback = RecordBatch()
            callback.conns = [F.conn("CShell", at: 100.4, F.vm, 41_862, F.callback, 3000, duration: 30, interim: true)]
            #expect(try await F.ship(port: second.port, [F.hello("victim", vpc: "172.31.0.0/16"), F.batch("victim", 2, callback)]).count == 2)
            var direct = RecordBatch()
            direct.conns = [
                F.conn("CB1", at: 130, F.address("172.31.7.7"), 44_000, resolved, 8443, duration: 2),
                F.conn("CB2", at: 131, F.address("172.31.7.7"), 44_001, F.address("203.0.113.200"), 8443, duration: 2),
            ]
            #expect(try await F.ship(port: second.port, [F.hello("vm-b", vpc: "172.31.0.0/16"), F.batch("vm-b", 1, direct)]).count == 2)

            try await Self.eventually("the callback and unexplained-IP findings") {
                let callbacks = try await reader.findings(FindingQuery(detector: InjectionCallbackDetector.name))
                let unexplained = try await reader.findings(FindingQuery(detector: UnexplainedDirectIPDetector.name))
                return (!callbacks.isEmpty || !rebuild) && unexplained.contains { $0.id.contains("vm-b/") }
            }
            try await Task.sleep(for: .milliseconds(300))
            let callbacks = try await reader.findings(FindingQuery(detector: InjectionCallbackDetector.name))
            guard rebuild else {
                #expect(callbacks.isEmpty)
                return
            }
            #expect(callbacks.count == 1)
            #expect(callbacks.first?.severity == .critical)
            #expect(callbacks.first?.agentID == "victim")
            #expect(callbacks.first?.indicators.addresses.contains(F.callback) == true)
            #expect(callbacks.first?.uids.contains("CShell") == true)
            let unexplained = try await reader.findings(FindingQuery(detector: UnexplainedDirectIPDetector.name))
            // vm-b's connection to the address vm-a resolved through the other aggregator is explained.
            #expect(unexplained.map(\.id).filter { $0.contains("vm-b/") } == ["unexplained-direct-ip:vm-b/203.0.113.200"])
            #expect(try await reader.findings(FindingQuery(detector: CommandInjectionDetector.name)).count == 1)
            #expect(second.leader.counters.snapshot.leaseTerms == 1)
            #expect(first.leader.counters.snapshot.leader == 0)
        }
    }
}

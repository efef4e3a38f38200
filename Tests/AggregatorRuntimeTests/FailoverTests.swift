import AgentCore
import AgentRuntime
import AggregatorRuntime
import FleetModel
import FleetTesting
import Foundation
import NIOSSL
import Storage
import StorageSQLite
import Synchronization
import Testing

/// Agents with a list of aggregators sharing one store: failover when one dies (mid-stream, from
/// the start, hung in the hello, failing TLS), and every record still stored exactly once.
@Suite(.serialized, .timeLimit(.minutes(2))) struct FailoverTests {
    /// A store that commits up to batch `stallAt` of a session, then hangs before answering (the
    /// aggregator process freezes with that batch committed but not acknowledged) and fails
    /// everything after it (the process is gone).
    final class StallingStore: ForwardingFlowStore {
        let inner: SQLiteFlowStore
        let stallAt: UInt64
        let stalled = Atomic<Bool>(false)
        init(inner: SQLiteFlowStore, stallAt: UInt64) {
            self.inner = inner
            self.stallAt = stallAt
        }
        struct Dead: Error {}
        func ingest(_ batch: IngestBatch) async throws -> IngestResult {
            if stalled.load(ordering: .relaxed) { throw Dead() }
            let result = try await inner.ingest(batch)
            if batch.sequence == stallAt {
                stalled.store(true, ordering: .relaxed)
                try await Task.sleep(for: .seconds(3_600))
            }
            return result
        }
    }

    static func configuration(_ endpoints: [ShipperEndpoint], backoff: Duration = .milliseconds(20)) -> ShipperConfiguration {
        ShipperConfiguration(
            endpoints: endpoints, agentID: "agent-1", token: "secret", hostname: "test-host", agentVersion: "test",
            backoff: Backoff.Configuration(initial: backoff, maximum: max(backoff, .milliseconds(200))),
            drainTimeout: .seconds(20), connectTimeout: .seconds(2))
    }

    static func local(_ port: Int) -> ShipperEndpoint { ShipperEndpoint(host: "127.0.0.1", port: port) }

    static func samples(_ registry: AgentMetricsRegistry) -> [String: Double] {
        HTTPProbe.samples(String(decoding: registry.render(), as: UTF8.self))
    }

    @Test func aggregatorDyingMidStreamFailsOverToTheSecondAndEveryRecordIsStoredOnce() async throws {
        let file = try #require(TestSupport.trace("http-methods.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let (expected, batches) = try await TestSupport.replayBatches(file, maxRecords: 2)
        try #require(batches.count >= 20)
        // One store behind both aggregators (as PostgreSQL is in production).
        let shared = try await TestSupport.store(directory.file("shared.sqlite"))
        let stalling = StallingStore(inner: shared, stallAt: 5)
        let serverA = try await IngestServer.bind(
            configuration: IngestServerConfiguration(host: "127.0.0.1", port: 0, authenticator: .anyAgent),
            store: stalling, logger: TestSupport.logger)
        let runA = Task { try await serverA.run() }
        defer { runA.cancel() }
        let registry = AgentMetricsRegistry()
        let metrics = AgentMetrics(factory: registry.factory)

        let summary = try await TestSupport.withAggregator(store: shared) { serverB in
            let endpoints = [Self.local(serverA.localPort), Self.local(serverB.localPort)]
            let (input, feed) = AsyncThrowingStream<OutgoingBatch, any Error>.makeStream()
            for batch in batches { feed.yield(batch) }
            feed.finish()
            return try await withThrowingTaskGroup(of: ShipperSummary.self) { group in
                group.addTask {
                    let shipper = try Shipper(
                        configuration: Self.configuration(endpoints), spool: TestSupport.spool(directory.file("spool")),
                        logger: TestSupport.logger, metrics: metrics)
                    return try await shipper.run(input: input)
                }
                // Batch 5 is committed but never acknowledged and later ones are in flight when A dies.
                #expect(try await RestartTests.eventually { stalling.stalled.load(ordering: .relaxed) })
                #expect(serverB.counters.snapshot.connectionsAccepted == 0)
                runA.cancel()
                _ = await runA.result
                let died = ContinuousClock.now
                #expect(try await RestartTests.eventually { serverB.counters.snapshot.sessionsAuthenticated >= 1 })
                let failoverTime = died.duration(to: .now)
                #expect(failoverTime < .seconds(1), "failover took \(failoverTime)")
                let summary = try #require(try await group.next())
                // B stored exactly what A had not committed: 4 acknowledged + 1 committed, not acknowledged.
                #expect(serverA.counters.snapshot.batchesStored == 4)
                #expect(serverB.counters.snapshot.batchesStored == UInt64(batches.count - 5))
                #expect(serverB.counters.snapshot.duplicateBatches == 0)
                return summary
            }
        }
        #expect(summary.ending == .drained)
        #expect(summary.connections == 2)
        #expect(summary.failovers == 1)
        #expect(summary.pendingBatches == 0)
        try await TestSupport.expectStore(shared, holds: expected)
        let agent = try #require(try await shared.agent("agent-1"))
        #expect(agent.lastSequence == UInt64(batches.count))
        #expect(agent.counters.batches == UInt64(batches.count))
        #expect(agent.counters.records == UInt64(batches.reduce(0) { $0 + $1.records.count }))
        #expect(agent.counters.missedBatches == 0)
        let samples = Self.samples(registry)
        #expect(samples["fleet_agent_failovers_total"] == 1)
        #expect(samples["fleet_agent_connections_total"] == 2)
        #expect(samples["fleet_agent_aggregator_connected{aggregator=\"127.0.0.1:\(serverA.localPort)\"}"] == 0)
    }

    /// The stall of the test above without the kill: aggregator A stays up with the session hung
    /// (batch 5 committed, never acknowledged, nothing read after it). The agent leaves it on its own
    /// after the ack timeout, over TLS too (the close skips the TLS goodbye A would never answer).
    @Test(arguments: [false, true]) func aggregatorThatStopsAcknowledgingIsLeftAfterTheAckTimeout(tls: Bool) async throws {
        let file = try #require(TestSupport.trace("http-methods.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let (expected, batches) = try await TestSupport.replayBatches(file, maxRecords: 2)
        try #require(batches.count >= 20)
        let shared = try await TestSupport.store(directory.file("shared.sqlite"))
        let stalling = StallingStore(inner: shared, stallAt: 5)
        var serverTLS: NIOSSLContext?
        var clientTLS: ShipperTLS?
        if tls {
            let certificate = try TLSTests.makeCertificate(in: directory.path, name: "server")  // DNS:localhost
            serverTLS = try IngestTLS.serverContext(certificatePath: certificate.cert, privateKeyPath: certificate.key)
            clientTLS = try ShipperTLS.verifying(trustRootsPath: certificate.cert, serverHostname: "localhost")
        }
        func serve(_ store: any FlowStore) async throws -> IngestServer {
            try await IngestServer.bind(
                configuration: IngestServerConfiguration(host: "127.0.0.1", port: 0, authenticator: .anyAgent, tls: serverTLS),
                store: store, logger: TestSupport.logger)
        }
        let serverA = try await serve(stalling)
        let serverB = try await serve(shared)
        let runA = Task { try await serverA.run() }
        let runB = Task { try await serverB.run() }
        defer {
            runA.cancel()
            runB.cancel()
        }
        var configuration = Self.configuration([Self.local(serverA.localPort), Self.local(serverB.localPort)])
        configuration.tls = clientTLS
        configuration.ackTimeout = .milliseconds(500)
        let agentConfiguration = configuration
        let summary = try await withThrowingTaskGroup(of: ShipperSummary.self) { group in
            group.addTask {
                let shipper = try Shipper(
                    configuration: agentConfiguration, spool: TestSupport.spool(directory.file("spool")),
                    logger: TestSupport.logger)
                return try await shipper.run(input: TestSupport.stream(batches))
            }
            #expect(try await RestartTests.eventually { stalling.stalled.load(ordering: .relaxed) })
            let stalled = ContinuousClock.now
            #expect(try await RestartTests.eventually { serverB.counters.snapshot.sessionsAuthenticated >= 1 })
            let failoverTime = stalled.duration(to: .now)
            // The deadline runs from A's last acknowledgement (batch 4), a moment before the stall.
            #expect(failoverTime >= .milliseconds(300) && failoverTime < .seconds(2), "failover took \(failoverTime)")
            return try #require(try await group.next())
        }
        #expect(summary.ending == .drained)
        #expect(summary.ackTimeouts == 1)
        #expect(summary.connections == 2)
        #expect(summary.failovers == 1)
        // A is still up, its session hung on batch 5: 4 acknowledged there, B stored the rest and
        // saw no duplicate (its hello reported batch 5 as committed).
        #expect(serverA.counters.snapshot.batchesStored == 4)
        #expect(serverB.counters.snapshot.batchesStored == UInt64(batches.count - 5))
        #expect(serverB.counters.snapshot.duplicateBatches == 0)
        try await TestSupport.expectStore(shared, holds: expected)
        let agent = try #require(try await shared.agent("agent-1"))
        #expect(agent.lastSequence == UInt64(batches.count))
        #expect(agent.counters.batches == UInt64(batches.count))
        #expect(agent.counters.missedBatches == 0)
    }

    @Test func deadFirstAggregatorIsSkippedWithoutBackoff() async throws {
        let file = try #require(TestSupport.trace("dns53.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let (expected, batches) = try await TestSupport.replayBatches(file, maxRecords: 1)
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        let dead = try await LoopbackPeers.closedPort()
        try await TestSupport.withAggregator(store: store) { server in
            // A backoff of up to 30 s per attempt: only a failover that skips it finishes in time.
            let configuration = Self.configuration([Self.local(dead), Self.local(server.localPort)], backoff: .seconds(30))
            let shipper = try Shipper(
                configuration: configuration, spool: TestSupport.spool(directory.file("spool")), logger: TestSupport.logger)
            let start = ContinuousClock.now
            let summary = try await shipper.run(input: TestSupport.stream(batches))
            #expect(start.duration(to: .now) < .seconds(3))
            #expect(summary.ending == .drained)
            #expect(summary.failedConnects == 1)
            #expect(summary.connections == 1)
            #expect(summary.failovers == 1)
            #expect(summary.lastEndpoint == Self.local(server.localPort))
        }
        try await TestSupport.expectStore(store, holds: expected)
    }

    @Test func aggregatorThatNeverAnswersTheHelloIsLeftForTheNext() async throws {
        let file = try #require(TestSupport.trace("dns53.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let (expected, batches) = try await TestSupport.replayBatches(file, maxRecords: 2)
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        let silent = try await LoopbackPeers.SilentServer.start()
        defer { silent.close() }
        try await TestSupport.withAggregator(store: store) { server in
            var configuration = Self.configuration([Self.local(silent.port), Self.local(server.localPort)])
            configuration.connectTimeout = .milliseconds(300)
            let shipper = try Shipper(
                configuration: configuration, spool: TestSupport.spool(directory.file("spool")), logger: TestSupport.logger)
            let start = ContinuousClock.now
            let summary = try await shipper.run(input: TestSupport.stream(batches))
            let elapsed = start.duration(to: .now)
            #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(5), "took \(elapsed)")
            #expect(summary.ending == .drained)
            #expect(summary.failedConnects == 1)
            #expect(summary.failovers == 1)
            #expect(silent.connectionsAccepted == 1)
        }
        try await TestSupport.expectStore(store, holds: expected)
    }

    @Test func eachAggregatorIsVerifiedUnderItsOwnTLSName() async throws {
        let file = try #require(TestSupport.trace("dns53.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let certificate = try TLSTests.makeCertificate(in: directory.path, name: "server")  // DNS:localhost only
        let expected = try TestSupport.offlineRecords(file)
        let batches = try await TestSupport.producedBatches(file, policy: BatchPolicy(maxRecords: 3))
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        let context = try IngestTLS.serverContext(certificatePath: certificate.cert, privateKeyPath: certificate.key)
        let server = try await IngestServer.bind(
            configuration: IngestServerConfiguration(host: "127.0.0.1", port: 0, authenticator: .anyAgent, tls: context),
            store: store, logger: TestSupport.logger)
        let run = Task { try await server.run() }
        defer {
            server.close()
            run.cancel()
        }
        // The same listener twice: first under a name its certificate lacks, then as `localhost`,
        // whose default TLS name (the host) matches.
        var configuration = Self.configuration([
            ShipperEndpoint(host: "127.0.0.1", port: server.localPort, serverHostname: "aggregator.example"),
            ShipperEndpoint(host: "localhost", port: server.localPort),
        ])
        configuration.tls = try ShipperTLS.verifying(trustRootsPath: certificate.cert, serverHostname: nil)
        let shipper = try Shipper(
            configuration: configuration, spool: TestSupport.spool(directory.file("spool")), logger: TestSupport.logger)
        let summary = try await shipper.run(input: TestSupport.stream(batches))
        #expect(summary.ending == .drained)
        #expect(summary.failedConnects == 1)
        #expect(summary.failovers == 1)
        #expect(server.counters.snapshot.tlsFailures >= 1)
        try await TestSupport.expectStore(store, holds: expected)
    }
}

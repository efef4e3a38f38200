import AgentCore
import AgentRuntime
import AggregatorRuntime
import FleetModel
import FleetWire
import Storage
import StorageSQLite
import Synchronization
import Testing

/// Faults between agent and aggregator: every record must still be stored exactly once.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RestartTests {
    /// Polls `condition` every 10 ms for up to 10 s.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<1_000 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func aggregatorRestartedMidStreamStoresEveryRecordOnce() async throws {
        let file = try #require(TestSupport.trace("http-methods.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let storePath = directory.file("agg.sqlite")
        let (expected, batches) = try await TestSupport.replayBatches(file, maxRecords: 2)
        try #require(batches.count >= 20)
        let half = batches.count / 2
        let (input, feed) = AsyncThrowingStream<OutgoingBatch, any Error>.makeStream()
        let spoolPath = directory.file("spool")

        let storeA = try await TestSupport.store(storePath)
        let serverA = try await IngestServer.bind(
            configuration: IngestServerConfiguration(host: "127.0.0.1", port: TestSupport.stablePort(), authenticator: .anyAgent),
            store: storeA, logger: TestSupport.logger)
        let port = serverA.localPort
        let runA = Task { try await serverA.run() }

        let summary = try await withThrowingTaskGroup(of: ShipperSummary.self) { group in
            group.addTask {
                let shipper = try Shipper(
                    configuration: TestSupport.shipperConfiguration(port: port),
                    spool: TestSupport.spool(spoolPath), logger: TestSupport.logger)
                return try await shipper.run(input: input)
            }
            for batch in batches[..<half] { feed.yield(batch) }
            // Kill the aggregator while batches are in flight.
            #expect(try await Self.eventually { serverA.counters.snapshot.batchesStored >= 3 })
            runA.cancel()
            _ = await runA.result
            let storedByA = serverA.counters.snapshot.batchesStored
            #expect(storedByA < UInt64(batches.count))
            // The agent keeps producing while the aggregator is down.
            for batch in batches[half...] { feed.yield(batch) }
            feed.finish()
            try await Task.sleep(for: .milliseconds(100))

            let storeB = try await TestSupport.store(storePath)
            return try await TestSupport.withAggregator(store: storeB, port: port) { serverB in
                let summary = try #require(try await group.next())
                #expect(serverA.counters.snapshot.batchesStored + serverB.counters.snapshot.batchesStored == UInt64(batches.count))
                return summary
            }
        }
        #expect(summary.ending == .drained)
        #expect(summary.connections >= 2)
        let store = try await TestSupport.store(storePath)
        try await TestSupport.expectStore(store, holds: expected)
        let agent = try #require(try await store.agent("agent-1"))
        #expect(agent.lastSequence == UInt64(batches.count))
        #expect(agent.counters.batches == UInt64(batches.count))
    }

    /// A store that commits a batch, then fails once as if the process died before the Ack.
    final class CommitThenFailStore: ForwardingFlowStore {
        let inner: SQLiteFlowStore
        let failAt: UInt64
        let failed = Atomic<Bool>(false)
        init(inner: SQLiteFlowStore, failAt: UInt64) {
            self.inner = inner
            self.failAt = failAt
        }
        struct Crash: Error {}
        func ingest(_ batch: IngestBatch) async throws -> IngestResult {
            let result = try await inner.ingest(batch)
            if batch.sequence == failAt && !failed.exchange(true, ordering: .relaxed) { throw Crash() }
            return result
        }
    }

    @Test func batchCommittedButNotAcknowledgedIsNotStoredTwice() async throws {
        let file = try #require(TestSupport.trace("http-methods.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let (expected, batches) = try await TestSupport.replayBatches(file, maxRecords: 3)
        try #require(batches.count >= 5)
        let sqlite = try await TestSupport.store(directory.file("agg.sqlite"))
        let store = CommitThenFailStore(inner: sqlite, failAt: 3)
        let summary = try await TestSupport.withAggregator(store: store) { server in
            let shipper = try Shipper(
                configuration: TestSupport.shipperConfiguration(port: server.localPort),
                spool: TestSupport.spool(directory.file("spool")), logger: TestSupport.logger)
            let summary = try await shipper.run(input: TestSupport.stream(batches))
            #expect(server.counters.snapshot.storeFailures == 1)
            return summary
        }
        #expect(summary.ending == .drained)
        #expect(summary.connections == 2)
        try await TestSupport.expectStore(sqlite, holds: expected)
        let agent = try #require(try await sqlite.agent("agent-1"))
        #expect(agent.counters.batches == UInt64(batches.count))
        #expect(agent.counters.records == UInt64(batches.reduce(0) { $0 + $1.records.count }))
    }

    @Test func agentRestartResumesFromItsSpool() async throws {
        let file = try #require(TestSupport.trace("dns53.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let (expected, batches) = try await TestSupport.replayBatches(file, maxRecords: 1)
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        // First run: nobody listens on the port; the agent stops and keeps everything spooled.
        let deadPort = try TestSupport.stablePort()
        var configuration = TestSupport.shipperConfiguration(port: deadPort)
        configuration.drainTimeout = .milliseconds(300)
        let first = try Shipper(configuration: configuration, spool: TestSupport.spool(directory.file("spool")), logger: TestSupport.logger)
        let stopped = try await first.run(input: TestSupport.stream(batches))
        #expect(stopped.ending == .timedOut)
        #expect(stopped.pendingBatches == batches.count)
        // Second run (a restarted agent, no new input): the spool is delivered.
        try await TestSupport.withAggregator(store: store, port: deadPort) { server in
            let second = try Shipper(
                configuration: TestSupport.shipperConfiguration(port: server.localPort),
                spool: TestSupport.spool(directory.file("spool")), logger: TestSupport.logger)
            let summary = try await second.run(input: TestSupport.stream([]))
            #expect(summary.ending == .drained)
            #expect(summary.ledger.acknowledged == UInt64(batches.count))
        }
        try await TestSupport.expectStore(store, holds: expected)
        #expect(try TestSupport.spool(directory.file("spool")).load().sequences.isEmpty)
        let agent = try #require(try await store.agent("agent-1"))
        #expect(agent.counters.missedBatches == 0)
        #expect(agent.lastSequence == UInt64(batches.count))
    }
}

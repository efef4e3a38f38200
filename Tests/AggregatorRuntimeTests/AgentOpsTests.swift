import AgentCore
import AgentRuntime
import AggregatorRuntime
import Capture
import FleetModel
import FleetTesting
import FleetWire
import Foundation
import Storage
import StorageSQLite
import Testing

/// Agent operations end to end: packet/drop counts in the agent registry, `/metrics` of a running
/// agent, and an agent that lost its spool.
@Suite(.serialized, .timeLimit(.minutes(2))) struct AgentOpsTests {
    /// Replays `file` through the agent's capture loop into a shipper, with fake pcap drop counters.
    static func runAgent(
        _ file: String, port: Int, spool: String, metrics: AgentMetrics? = nil
    ) async throws -> (summary: ShipperSummary, packets: UInt64) {
        var producer = RecordProducer(policy: BatchPolicy(maxRecords: 3))
        let (input, output) = AsyncThrowingStream<OutgoingBatch, any Error>.makeStream()
        let shipper = try Shipper(
            configuration: TestSupport.shipperConfiguration(port: port), spool: TestSupport.spool(spool),
            logger: TestSupport.logger, metrics: metrics)
        let drops: @Sendable () -> CaptureStatistics = {
            var statistics = CaptureStatistics()
            statistics.kernelDropped = 5
            statistics.interfaceDropped = 2
            return statistics
        }
        await producer.ship(try PcapFileReader.packetBatches(path: file), captureStatistics: drops, metrics: metrics, to: output)
        return (try await shipper.run(input: input), producer.packets)
    }

    @Test func registryCountsPacketsAndDropsAndMetricsShowThem() async throws {
        let file = try #require(TestSupport.trace("http-methods.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try await TestSupport.store(directory.file("agg.sqlite"))
        let registry = AgentMetricsRegistry()
        let metrics = AgentMetrics(factory: registry.factory)
        let scrapePort = try await TestSupport.withAggregator(store: store) { server in
            let metricsServer = try await MetricsServer.bind(
                host: "127.0.0.1", port: 0, logger: TestSupport.logger, render: { registry.render() })
            defer { metricsServer.close() }
            let first = try await Self.runAgent(file, port: server.localPort, spool: directory.file("spool"), metrics: metrics)
            #expect(first.summary.ending == .drained)
            try #require(first.packets > 100)
            let agent = try #require(try await store.agent("agent-1"))
            #expect(agent.counters.packets == first.packets)
            #expect(agent.counters.drops == 7)
            #expect(agent.counters.batches == first.summary.ledger.acknowledged)

            // Scrape the running agent's endpoint over loopback and read the exposition text.
            let response = try await HTTPProbe.send(port: metricsServer.port, "GET /metrics HTTP/1.1\r\nHost: agent\r\n\r\n")
            #expect(response.status == 200)
            let samples = HTTPProbe.samples(response.body)
            let expected = try TestSupport.offlineRecords(file)
            #expect(samples["fleet_agent_packets_total"] == Double(first.packets))
            #expect(samples["fleet_agent_kernel_drops_total"] == 5)
            #expect(samples["fleet_agent_interface_drops_total"] == 2)
            #expect(samples["fleet_agent_flows_active"] == 0)
            #expect(samples["fleet_agent_records_total{kind=\"conn\"}"] == Double(expected.conns.count))
            #expect(samples["fleet_agent_records_total{kind=\"http\"}"] == Double(expected.http.count))
            #expect(samples["fleet_agent_batches_sent_total"] == Double(first.summary.ledger.acknowledged))
            #expect(samples["fleet_agent_batches_acked_total"] == Double(first.summary.ledger.acknowledged))
            #expect(samples["fleet_agent_batches_dropped_total"] == 0)
            #expect(samples["fleet_agent_spool_bytes"] == 0)
            #expect(samples["fleet_agent_connections_total"] == 1)

            // A restarted agent reports totals from zero again; the registry keeps adding.
            let second = try await Self.runAgent(file, port: server.localPort, spool: directory.file("spool"))
            let again = try #require(try await store.agent("agent-1"))
            #expect(again.counters.packets == first.packets + second.packets)
            #expect(again.counters.drops == 14)
            return metricsServer.port
        }
        #expect(scrapePort > 0)
    }

    @Test func agentThatLostItsSpoolContinuesAfterTheAggregatorsMark() async throws {
        let file = try #require(TestSupport.trace("http-methods.pcap"))
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let (expected, batches) = try await TestSupport.replayBatches(file, maxRecords: 2)
        try #require(batches.count >= 10)
        let half = batches.count / 2
        let store = try await TestSupport.store(directory.file("agg.sqlite"))

        // First life: the agent ships the first half and the aggregator commits 1...half.
        let port = try await TestSupport.withAggregator(store: store, port: TestSupport.stablePort()) { server in
            let shipper = try Shipper(
                configuration: TestSupport.shipperConfiguration(port: server.localPort),
                spool: TestSupport.spool(directory.file("spool-old")), logger: TestSupport.logger)
            let summary = try await shipper.run(input: TestSupport.stream(Array(batches[..<half])))
            #expect(summary.ending == .drained)
            return server.localPort
        }
        #expect(try await store.lastCommittedSequence(for: "agent-1") == UInt64(half))

        // Second life on a new disk: numbering restarts at 1 while the aggregator is down, so
        // every new batch is spooled under a number the aggregator has already committed.
        let rest = Array(batches[half...])
        let newSpool = directory.file("spool-new")
        let summary = try await withThrowingTaskGroup(of: ShipperSummary.self) { group in
            group.addTask {
                let shipper = try Shipper(
                    configuration: TestSupport.shipperConfiguration(port: port),
                    spool: TestSupport.spool(newSpool), logger: TestSupport.logger)
                return try await shipper.run(input: TestSupport.stream(rest))
            }
            #expect(try await RestartTests.eventually {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: newSpool)) ?? []
                return files.filter { $0.hasSuffix(".batch") }.count == rest.count
            })
            let spooled = try FileManager.default.contentsOfDirectory(atPath: newSpool).filter { $0.hasSuffix(".batch") }
            #expect(spooled.contains("1.batch"))
            return try await TestSupport.withAggregator(store: store, port: port) { _ in
                try #require(try await group.next())
            }
        }
        #expect(summary.ending == .drained)
        #expect(summary.ledger.renumbered == UInt64(rest.count))
        #expect(summary.ledger.acknowledged == UInt64(rest.count))
        let agent = try #require(try await store.agent("agent-1"))
        #expect(agent.lastSequence == UInt64(batches.count))
        #expect(agent.counters.batches == UInt64(batches.count))
        #expect(agent.counters.duplicateBatches == 0)
        try await TestSupport.expectStore(store, holds: expected)
    }
}

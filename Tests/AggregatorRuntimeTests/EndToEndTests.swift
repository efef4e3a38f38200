import AgentCore
import AgentRuntime
import AggregatorRuntime
import FleetModel
import Storage
import StorageSQLite
import Testing

/// An agent (in-process `Shipper` fed by `RecordProducer`) replays a capture into an aggregator
/// over 127.0.0.1; the store must then hold exactly what `OfflineAnalysis` gives for that capture.
@Suite(.serialized) struct EndToEndTests {
    static let traces = ["story-reverse-shell.pcap", "http-methods.pcap", "dns53.pcap", "tls-tls1.2.pcap", "http-no_crlf.pcap", "ssh-ssh.pcap"]

    @Test(arguments: traces)
    func replayedCaptureMatchesOfflineAnalysis(trace: String) async throws {
        let file = try #require(TestSupport.trace(trace), "Zeek trace \(trace) not found (set FLEETWATCH_CONFORMANCE)")
        let directory = TestSupport.TemporaryDirectory()
        defer { directory.cleanUp() }
        let expected = try TestSupport.offlineRecords(file)
        #expect(expected.count > 0)
        // Small batches so the session carries many of them.
        let batches = try await TestSupport.producedBatches(file, policy: BatchPolicy(maxRecords: 7))
        let store = try await TestSupport.store(directory.file("agg.sqlite"))

        let summary = try await TestSupport.withAggregator(
            store: store, authenticator: AgentAuthenticator(tokens: ["agent-1": "secret"])
        ) { server in
            let shipper = try Shipper(
                configuration: TestSupport.shipperConfiguration(port: server.localPort),
                spool: TestSupport.spool(directory.file("spool")), logger: TestSupport.logger)
            let summary = try await shipper.run(input: TestSupport.stream(batches))
            #expect(server.counters.snapshot.batchesStored == UInt64(batches.filter { !$0.records.isEmpty }.count))
            return summary
        }
        #expect(summary.ending == .drained)
        #expect(summary.pendingBatches == 0)
        try await TestSupport.expectStore(store, holds: expected)
        let agent = try #require(try await store.agent("agent-1"))
        #expect(agent.hostname == "test-host")
        #expect(agent.lastSequence == summary.ledger.acknowledged)
    }
}

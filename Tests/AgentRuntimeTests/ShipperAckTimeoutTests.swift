import AgentCore
@testable import AgentRuntime
import FleetModel
import FleetTesting
import Foundation
import Testing

/// The acknowledgement deadline of established sessions, against fake aggregators on loopback: a
/// silent aggregator is left for the next one with every record delivered once; an idle or slow
/// but answering one is kept.
@Suite(.timeLimit(.minutes(1))) struct ShipperAckTimeoutTests {
    /// Weird names of `ShipperTests.batch(1...count)`.
    static func names(_ count: Int) -> [String] { (1...count).map { "w\($0)" } }

    static func run(
        _ configuration: ShipperConfiguration, batches: Int, metrics: AgentMetrics? = nil
    ) async throws -> ShipperSummary {
        let directory = ShipperTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shipper = try Shipper(
            configuration: configuration, spool: ShipperTests.spool(directory), logger: ShipperTests.logger, metrics: metrics)
        return try await shipper.run(input: ShipperTests.input((1...batches).map(ShipperTests.batch)))
    }

    @Test func aggregatorThatNeverAcknowledgesIsLeftForTheNextAfterTheAckTimeout() async throws {
        let store = FakeAggregator.Store()
        let silent = try await FakeAggregator.start(store: store, acknowledging: 0)
        let working = try await FakeAggregator.start(store: store)
        defer {
            silent.close()
            working.close()
        }
        let registry = AgentMetricsRegistry()
        let start = ContinuousClock.now
        let summary = try await Self.run(
            ShipperTests.configuration(ports: [silent.port, working.port], ackTimeout: .milliseconds(300)), batches: 10,
            metrics: AgentMetrics(factory: registry.factory))
        let elapsed = start.duration(to: .now)
        #expect(summary.ending == .drained)
        #expect(summary.ackTimeouts == 1)
        #expect(summary.connections == 2)
        #expect(summary.failovers == 1)
        #expect(summary.failedConnects == 0)
        #expect(summary.pendingBatches == 0)
        #expect(summary.lastEndpoint == ShipperEndpoint(host: "127.0.0.1", port: working.port))
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(5), "took \(elapsed)")
        // The silent one answered the hello and stored nothing; the working one has every record once.
        #expect(silent.counters.sessions == 1)
        #expect(silent.counters.acknowledged == 0)
        #expect(working.counters.acknowledged == 10)
        #expect(store.weirdNames == Self.names(10))
        #expect(store.snapshot.duplicates == 0)
        let samples = HTTPProbe.samples(String(decoding: registry.render(), as: UTF8.self))
        #expect(samples["fleet_agent_ack_timeouts_total"] == 1)
        #expect(samples["fleet_agent_failovers_total"] == 1)
        #expect(samples["fleet_agent_reconnects_total"] == 1)
    }

    @Test func aggregatorThatStopsAcknowledgingMidStreamIsLeftAndNothingIsStoredTwice() async throws {
        // Both in front of one store: the first acknowledges 3 batches, commits a 4th and freezes
        // before acknowledging it (with later batches in flight), connection open.
        let store = FakeAggregator.Store()
        let freezing = try await FakeAggregator.start(store: store, acknowledging: 3, committingSilently: 1)
        let working = try await FakeAggregator.start(store: store)
        defer {
            freezing.close()
            working.close()
        }
        let summary = try await Self.run(
            ShipperTests.configuration(ports: [freezing.port, working.port], ackTimeout: .milliseconds(300)), batches: 20)
        #expect(summary.ending == .drained)
        #expect(summary.ackTimeouts == 1)
        #expect(summary.failovers == 1)
        #expect(summary.ledger.acknowledged == 20)
        #expect(freezing.counters.acknowledged == 3)
        #expect(freezing.counters.committedUnacknowledged == 1)
        #expect(freezing.counters.frozen == 1)
        // The second aggregator's hello reported 4 committed: the agent resent from 5 on, so the
        // store saw no duplicate and holds every record exactly once, in order.
        #expect(working.counters.acknowledged == 16)
        #expect(store.snapshot.duplicates == 0)
        #expect(store.weirdNames == Self.names(20))
    }

    @Test func idleSessionWithNothingOutstandingOutlivesTheAckTimeout() async throws {
        let aggregator = try await FakeAggregator.start()
        defer { aggregator.close() }
        let directory = ShipperTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shipper = try Shipper(
            configuration: ShipperTests.configuration(ports: [aggregator.port], ackTimeout: .milliseconds(200)),
            spool: ShipperTests.spool(directory), logger: ShipperTests.logger)
        let (input, feed) = AsyncThrowingStream<OutgoingBatch, any Error>.makeStream()
        let run = Task { try await shipper.run(input: input) }
        feed.yield(ShipperTests.batch(1))
        #expect(try await Polling.eventually { aggregator.counters.acknowledged == 1 })
        // Five deadlines of silence with nothing outstanding: the session must stay up.
        try await Task.sleep(for: .seconds(1))
        feed.yield(ShipperTests.batch(2))
        #expect(try await Polling.eventually { aggregator.counters.acknowledged == 2 })
        feed.finish()
        let summary = try await run.value
        #expect(summary.ending == .drained)
        #expect(summary.ackTimeouts == 0)
        #expect(summary.connections == 1)
        #expect(aggregator.counters.sessions == 1)
        #expect(aggregator.store.weirdNames == Self.names(2))
    }

    @Test func slowAggregatorThatKeepsAcknowledgingIsKept() async throws {
        // One acknowledgement every 100 ms with a window of 8: batches stay outstanding for about
        // 1.2 s in all, but no acknowledgement is ever more than 100 ms after the last one.
        let aggregator = try await FakeAggregator.start(ackDelay: .milliseconds(100))
        defer { aggregator.close() }
        let start = ContinuousClock.now
        let summary = try await Self.run(
            ShipperTests.configuration(ports: [aggregator.port], ackTimeout: .milliseconds(400)), batches: 12)
        #expect(start.duration(to: .now) >= .milliseconds(1_200))
        #expect(summary.ending == .drained)
        #expect(summary.ackTimeouts == 0)
        #expect(summary.connections == 1)
        #expect(aggregator.store.weirdNames == Self.names(12))
    }

    @Test func withoutTheDeadlineASilentAggregatorHoldsTheAgent() async throws {
        // ack_timeout off: the old behaviour, for comparison (and to show the test above is not
        // passing by accident): the agent waits on the silent session until the drain timeout.
        let silent = try await FakeAggregator.start(acknowledging: 0)
        let working = try await FakeAggregator.start()
        defer {
            silent.close()
            working.close()
        }
        let summary = try await Self.run(
            ShipperTests.configuration(ports: [silent.port, working.port], ackTimeout: nil, drain: .milliseconds(800)),
            batches: 3)
        #expect(summary.ending == .timedOut)
        #expect(summary.pendingBatches == 3)
        #expect(summary.ackTimeouts == 0)
        #expect(working.counters.sessions == 0)
    }

    @Test func timeoutsReadAsOperatorsWriteThem() {
        #expect(ShipperConnector.describe(.seconds(30)) == "30 s")
        #expect(ShipperConnector.describe(.milliseconds(1_500)) == "1.5 s")
        #expect(ShipperConnector.describe(.milliseconds(300)) == "300 ms")
        #expect(ShipperConnector.describe(.milliseconds(1_250)) == "1250 ms")
    }
}

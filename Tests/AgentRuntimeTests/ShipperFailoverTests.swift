import AgentCore
@testable import AgentRuntime
import FleetModel
import FleetTesting
import Foundation
import Logging
import Testing

/// Agent-side failover that needs no aggregator: endpoint names, the capture exclusion, backoff
/// over a list of dead aggregators, the failover metrics.
@Suite(.timeLimit(.minutes(1))) struct ShipperFailoverTests {
    @Test func endpointsVerifyTheirOwnHostNameUnlessItIsAnAddress() {
        #expect(ShipperEndpoint(host: "agg-1.internal", port: 7070).serverHostname == "agg-1.internal")
        #expect(ShipperEndpoint(host: "10.0.0.5", port: 7070).serverHostname == nil)
        #expect(ShipperEndpoint(host: "fd00::5", port: 7070).serverHostname == nil)
        #expect(ShipperEndpoint(host: "10.0.0.5", port: 7070, serverHostname: "agg").serverHostname == "agg")
        #expect(ShipperEndpoint(host: "fd00::5", port: 7070).description == "[fd00::5]:7070")
        #expect(ShipperEndpoint(host: "agg", port: 7070).description == "agg:7070")
        // The one-aggregator initializer keeps its old meaning: only tls.serverHostname is checked.
        let legacy = ShipperConfiguration(host: "agg", port: 1, agentID: "a", token: "t", hostname: "h", agentVersion: "v")
        #expect(legacy.endpoints == [ShipperEndpoint(host: "agg", port: 1, serverHostname: nil)])
    }

    @Test func captureExcludesTrafficToEveryAggregator() {
        let one = [ShipperEndpoint(host: "10.0.0.5", port: 7070)]
        #expect(OwnTrafficFilter.bpf(excluding: one) == "not (host 10.0.0.5 and tcp port 7070)")
        #expect(OwnTrafficFilter.bpf(excluding: one, filter: "not port 22")
            == "(not port 22) and not (host 10.0.0.5 and tcp port 7070)")
        let two = one + [ShipperEndpoint(host: "fd00::6", port: 7071)]
        #expect(OwnTrafficFilter.bpf(excluding: two)
            == "not ((host 10.0.0.5 and tcp port 7070) or (host fd00::6 and tcp port 7071))")
        #expect(OwnTrafficFilter.bpf(excluding: two, filter: "tcp")
            == "(tcp) and not ((host 10.0.0.5 and tcp port 7070) or (host fd00::6 and tcp port 7071))")
        // The same address twice (e.g. another TLS name) is excluded once.
        let twice = one + [ShipperEndpoint(host: "10.0.0.5", port: 7070, serverHostname: "agg")]
        #expect(OwnTrafficFilter.bpf(excluding: twice) == "not (host 10.0.0.5 and tcp port 7070)")
        #expect(OwnTrafficFilter.bpf(excluding: one, filter: "") == "not (host 10.0.0.5 and tcp port 7070)")
    }

    @Test func allAggregatorsDeadBacksOffOncePerRoundInsteadOfSpinning() async throws {
        let directory = ShipperTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await LoopbackPeers.closedPort()
        let second = try await LoopbackPeers.closedPort()
        let configuration = ShipperConfiguration(
            endpoints: [ShipperEndpoint(host: "127.0.0.1", port: first), ShipperEndpoint(host: "127.0.0.1", port: second)],
            agentID: "a", token: "t", hostname: "h", agentVersion: "v",
            backoff: Backoff.Configuration(initial: .milliseconds(50), maximum: .seconds(2)),
            drainTimeout: .milliseconds(1_500), connectTimeout: .seconds(1))
        let registry = AgentMetricsRegistry()
        let shipper = try Shipper(
            configuration: configuration, spool: ShipperTests.spool(directory), logger: ShipperTests.logger,
            metrics: AgentMetrics(factory: registry.factory))
        let summary = try await shipper.run(input: ShipperTests.input([ShipperTests.batch(1)]))
        #expect(summary.ending == .timedOut)
        #expect(summary.connections == 0)
        #expect(summary.failovers == 0)
        #expect(summary.lastEndpoint == nil)
        // Refused loopback connects take well under a millisecond: without a backoff per round this
        // would be thousands of attempts in 1.5 s. With rounds waiting ≤ 50, 100, 200, 400 ms, ...
        // it is a few dozen at most, and both endpoints are tried in every round.
        #expect(summary.failedConnects >= 2)
        #expect(summary.failedConnects <= 40, "\(summary.failedConnects) attempts in 1.5 s")
        #expect(try ShipperTests.spool(directory).load().sequences == [1])
        let samples = HTTPProbe.samples(String(decoding: registry.render(), as: UTF8.self))
        #expect(samples["fleet_agent_failovers_total"] == 0)
        #expect(samples["fleet_agent_connections_total"] == 0)
    }

    @Test func metricsCountFailoversAndFlagTheCurrentAggregator() {
        let registry = AgentMetricsRegistry()
        let metrics = AgentMetrics(factory: registry.factory)
        var totals = AgentMetrics.DeliveryTotals()
        totals.connections = 1
        totals.aggregator = "10.0.0.5:7070"
        metrics.delivery(totals)
        totals.connections = 2
        totals.failovers = 1
        totals.aggregator = "10.0.0.6:7070"
        metrics.delivery(totals)
        var samples = HTTPProbe.samples(String(decoding: registry.render(), as: UTF8.self))
        #expect(samples["fleet_agent_failovers_total"] == 1)
        #expect(samples["fleet_agent_aggregator_connected{aggregator=\"10.0.0.5:7070\"}"] == 0)
        #expect(samples["fleet_agent_aggregator_connected{aggregator=\"10.0.0.6:7070\"}"] == 1)
        totals.aggregator = nil
        metrics.delivery(totals)
        samples = HTTPProbe.samples(String(decoding: registry.render(), as: UTF8.self))
        #expect(samples["fleet_agent_aggregator_connected{aggregator=\"10.0.0.6:7070\"}"] == 0)
        #expect(samples["fleet_agent_failovers_total"] == 1)
    }
}

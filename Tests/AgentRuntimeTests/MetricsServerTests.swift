@testable import AgentRuntime
import FleetTesting
import Logging
import Testing

@Suite(.timeLimit(.minutes(1))) struct MetricsServerTests {
    static let logger = Logger(label: "test.metrics", factory: { _ in SwiftLogNoOpLogHandler() })

    static func withServer(_ body: (Int, AgentMetrics) async throws -> Void) async throws {
        let registry = AgentMetricsRegistry()
        let metrics = AgentMetrics(factory: registry.factory)
        let server = try await MetricsServer.bind(host: "127.0.0.1", port: 0, logger: logger, render: { registry.render() })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await server.run() }
            defer { group.cancelAll() }
            try await body(server.port, metrics)
        }
    }

    @Test func scrapeShowsEveryMetricWithItsValue() async throws {
        try await Self.withServer { port, metrics in
            let empty = try await HTTPProbe.send(port: port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(empty.status == 200)
            #expect(empty.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let zero = HTTPProbe.samples(empty.body)
            for name in [
                "fleet_agent_packets_total", "fleet_agent_kernel_drops_total", "fleet_agent_interface_drops_total",
                "fleet_agent_flows_active", "fleet_agent_flows_evicted_total", "fleet_agent_batches_sent_total",
                "fleet_agent_batches_acked_total", "fleet_agent_batches_spooled_total", "fleet_agent_batches_dropped_total",
                "fleet_agent_spool_bytes", "fleet_agent_reconnects_total", "fleet_agent_failovers_total",
                "fleet_agent_ack_timeouts_total",
                "fleet_agent_records_total{kind=\"conn\"}",
            ] {
                #expect(zero[name] == 0, "\(name) missing or not zero in \(empty.body)")
            }
            #expect(empty.body.contains("# TYPE fleet_agent_packets_total counter"))
            #expect(empty.body.contains("# TYPE fleet_agent_spool_bytes gauge"))

            metrics.capture(.init(packets: 1_000, kernelDrops: 7, interfaceDrops: 2, flowsEvicted: 1, flowsActive: 42))
            metrics.capture(.init(packets: 1_500, kernelDrops: 9, interfaceDrops: 2, flowsEvicted: 1, flowsActive: 40))
            metrics.produced(.conn, count: 12)
            metrics.produced(.dns, count: 3)
            var delivery = AgentMetrics.DeliveryTotals()
            delivery.sent = 5
            delivery.acknowledged = 4
            delivery.spooled = 2
            delivery.dropped = 1
            delivery.reconnects = 3
            delivery.ackTimeouts = 2
            delivery.spoolBytes = 4096
            metrics.delivery(delivery)
            let samples = HTTPProbe.samples(try await HTTPProbe.send(port: port, "GET /metrics HTTP/1.1\r\n\r\n").body)
            #expect(samples["fleet_agent_packets_total"] == 1_500)
            #expect(samples["fleet_agent_kernel_drops_total"] == 9)
            #expect(samples["fleet_agent_interface_drops_total"] == 2)
            #expect(samples["fleet_agent_flows_evicted_total"] == 1)
            #expect(samples["fleet_agent_flows_active"] == 40)
            #expect(samples["fleet_agent_records_total{kind=\"conn\"}"] == 12)
            #expect(samples["fleet_agent_records_total{kind=\"dns\"}"] == 3)
            #expect(samples["fleet_agent_batches_sent_total"] == 5)
            #expect(samples["fleet_agent_batches_acked_total"] == 4)
            #expect(samples["fleet_agent_batches_spooled_total"] == 2)
            #expect(samples["fleet_agent_batches_dropped_total"] == 1)
            #expect(samples["fleet_agent_reconnects_total"] == 3)
            #expect(samples["fleet_agent_ack_timeouts_total"] == 2)
            #expect(samples["fleet_agent_spool_bytes"] == 4096)
        }
    }

    @Test func healthzAndErrors() async throws {
        try await Self.withServer { port, _ in
            let health = try await HTTPProbe.send(port: port, "GET /healthz HTTP/1.1\r\n\r\n")
            #expect(health.status == 200)
            #expect(health.body == "ok\n")
            #expect(try await HTTPProbe.send(port: port, "GET /metrics?x=1 HTTP/1.1\r\n\r\n").status == 200)
            #expect(try await HTTPProbe.send(port: port, "GET / HTTP/1.1\r\n\r\n").status == 404)
            #expect(try await HTTPProbe.send(port: port, "GET /metricsx HTTP/1.1\r\n\r\n").status == 404)
            let post = try await HTTPProbe.send(port: port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET, HEAD")
            #expect(try await HTTPProbe.send(port: port, "DELETE /healthz HTTP/1.1\r\n\r\n").status == 405)
            let head = try await HTTPProbe.send(port: port, "HEAD /metrics HTTP/1.1\r\n\r\n")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            let longTarget = "/" + String(repeating: "a", count: 2_000)
            #expect(try await HTTPProbe.send(port: port, "GET \(longTarget) HTTP/1.1\r\n\r\n").status == 414)
            let body = String(repeating: "x", count: 5_000)
            let big = try await HTTPProbe.send(
                port: port, "GET /metrics HTTP/1.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            #expect(big.status == 413)
            #expect(try await HTTPProbe.send(port: port, "NOT HTTP AT ALL\r\n\r\n").status == 400)
            let hugeHeader = "GET /metrics HTTP/1.1\r\nX-Big: \(String(repeating: "h", count: 200_000))\r\n\r\n"
            let rejected = try await HTTPProbe.send(port: port, hugeHeader)
            #expect(rejected.status == 400 || rejected.status == 431)
            // Still serving after all that.
            #expect(try await HTTPProbe.send(port: port, "GET /healthz HTTP/1.1\r\n\r\n").status == 200)
        }
    }
}

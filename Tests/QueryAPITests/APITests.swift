import FleetCLI
import FleetModel
import Foundation
import Logging
import QueryAPI
import Storage
import StorageSQLite
import Testing

/// The HTTP API itself: auth, health, metrics, parameter errors, streaming.
@Suite(.serialized)
struct APITests {
    /// GET through fleetctl's client, collecting lines; returns the lines or the error.
    static func get(_ path: String, port: Int, token: String? = APIFixture.token) async throws -> [String] {
        let client = APIClient(endpoint: ServerEndpoint(host: "127.0.0.1", port: port), token: token)
        var lines: [String] = []
        try await client.get(path) { line in lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }

    @Test func healthAndMetricsNeedNoToken() async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        try await fixture.withServer { port in
            #expect(try await Self.get("/healthz", port: port, token: nil) == ["ok"])
            _ = try await Self.get("/v1/agents", port: port)
            let metrics = try await Self.get("/metrics", port: port, token: nil)
            #expect(metrics.contains(#"fleet_api_requests_total{endpoint="agents"} 1"#))
            #expect(metrics.contains(#"fleet_api_requests_total{endpoint="healthz"} 1"#))
        }
    }

    @Test(arguments: ["/v1/conn", "/v1/dns", "/v1/http", "/v1/ssl", "/v1/weird", "/v1/agents", "/v1/anomalies"])
    func everyV1RouteNeedsTheToken(path: String) async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        try await fixture.withServer { port in
            for token in [nil, "x", APIFixture.token + "x", String(APIFixture.token.dropLast())] {
                let error = await #expect(throws: FleetctlError.self) { _ = try await Self.get(path, port: port, token: token) }
                #expect(error?.message.contains("(401)") == true)
            }
            _ = try await Self.get(path, port: port)
        }
    }

    @Test(arguments: [
        ("/v1/conn?color=red", "unknown parameter color (parameter color)"),
        ("/v1/conn?query=example.com", "query does not apply to conn records (parameter query)"),
        ("/v1/dns?service=dns", "service does not apply to dns records (parameter service)"),
        ("/v1/http?sort=duration", "sort does not apply to http records (parameter sort)"),
        ("/v1/conn?port=65536", "port must be 0...65535, not \"65536\" (parameter port)"),
        ("/v1/conn?limit=0", "limit must be 1...1000000, not \"0\" (parameter limit)"),
        ("/v1/conn?since=1h&since=2h", "since given twice (parameter since)"),
        ("/v1/conn?since=1h&until=2h", "until must be after since (parameter until)"),
        ("/v1/conn?host=10.0.0.0/33", "host must be an address or CIDR, not \"10.0.0.0/33\" (parameter host)"),
        ("/v1/anomalies?limit=100001", "limit must be 1...100000, not \"100001\" (parameter limit)"),
        ("/v1/agents?since=1h", "unknown parameter since (parameter since)"),
    ])
    func badParametersAre400NamingTheParameter(path: String, message: String) async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        try await fixture.withServer { port in
            let error = await #expect(throws: FleetctlError.self) { _ = try await Self.get(path, port: port) }
            #expect(error?.message == "bad request: " + message)
        }
    }

    /// Paging by timestamp with many ties gives exactly the store's answer, in both orders.
    @Test(arguments: [1, 2, 3, 7, 5_000])
    func pagedStreamEqualsOneQuery(pageSize: Int) async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        // 40 conns over 5 distinct timestamps.
        var batch = RecordBatch()
        for index in 0..<40 {
            batch.conns.append(ConnRecord(
                ts: APIFixture.at(minutesAgo: 40, plus: Int64(index % 5)), uid: "CP\(index)",
                id: APIFixture.id("10.1.0.\(index)", 1_000, "10.2.0.1", 80), proto: .tcp,
                duration: NetworkDuration(microseconds: Int64(index * 1_000)), connState: .SF, ipProto: 6))
        }
        _ = try await fixture.store.ingest(IngestBatch(agent: "gamma", sequence: 1, receivedAt: APIFixture.now, records: batch))
        try await fixture.withServer(pageSize: pageSize) { port in
            for (parameters, sort) in [("", RecordSort.timeAscending), ("&sort=time_desc", .timeDescending),
                                       ("&sort=duration", .durationDescending)] {
                for limit in [1, 6, 39, 40, 1_000] {
                    let lines = try await Self.get("/v1/conn?agent=gamma&limit=\(limit)\(parameters)", port: port)
                    let uids = lines.compactMap { line -> String? in
                        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                        return object?["uid"] as? String
                    }
                    let expected = try await fixture.store.conns(RecordQuery(agent: "gamma", sort: sort, limit: limit))
                    #expect(uids == expected.map(\.record.uid), "page \(pageSize) limit \(limit) \(sort)")
                }
            }
        }
    }
}

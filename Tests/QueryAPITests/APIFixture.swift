import ArgumentParser
import FleetCLI
import FleetModel
import Foundation
import Logging
import QueryAPI
import Storage
import StorageSQLite
import Synchronization

/// A real query API on loopback over a temporary SQLite store filled with a small, fixed fleet.
/// Findings come from an in-memory store (the FindingStore contract).
struct APIFixture {
    static let token = "test-token-0123456789"
    /// 2025-11-29T06:00:00Z.
    static let now = NetworkTime(microseconds: 1_764_396_000_000_000)

    static func at(minutesAgo: Int64, plus micros: Int64 = 0) -> NetworkTime {
        NetworkTime(microseconds: now.microseconds - minutesAgo * 60_000_000 + micros)
    }

    static func id(_ orig: String, _ origPort: UInt16, _ resp: String, _ respPort: UInt16) -> ConnID {
        ConnID(
            originatorHost: IPAddress(orig) ?? .v4(0), originatorPort: origPort,
            responderHost: IPAddress(resp) ?? .v4(0), responderPort: respPort)
    }

    static var alphaBatch: RecordBatch {
        var batch = RecordBatch()
        batch.conns = [
            ConnRecord(
                ts: at(minutesAgo: 30), uid: "CA1", id: id("10.0.0.5", 51_000, "93.184.216.34", 443), proto: .tcp,
                service: ["ssl"], duration: NetworkDuration(microseconds: 754_000_000), originatorBytes: 1_200,
                responderBytes: 48_000, connState: .SF, localOriginator: true, localResponder: false,
                history: "ShADadFf", originatorPackets: 20, originatorIPBytes: 2_000, responderPackets: 40,
                responderIPBytes: 50_000, ipProto: 6),
            ConnRecord(
                ts: at(minutesAgo: 20), uid: "CA2", id: id("10.0.0.5", 40_000, "10.0.0.53", 53), proto: .udp,
                service: ["dns"], duration: NetworkDuration(microseconds: 25_000), originatorBytes: 40,
                responderBytes: 120, connState: .SF, history: "Dd", originatorPackets: 1, originatorIPBytes: 68,
                responderPackets: 1, responderIPBytes: 148, ipProto: 17),
            ConnRecord(
                ts: at(minutesAgo: 150), uid: "CA3", id: id("10.0.0.7", 33_000, "198.51.100.9", 22), proto: .tcp,
                connState: .S0, history: "S", originatorPackets: 3, originatorIPBytes: 180, ipProto: 6),
        ]
        batch.dns = [
            DNSRecord(
                ts: at(minutesAgo: 20), uid: "CA2", id: id("10.0.0.5", 40_000, "10.0.0.53", 53), proto: .udp,
                transactionID: 4660, rtt: NetworkDuration(microseconds: 25_000), query: "www.example.com",
                qclass: 1, qtype: 1, rcode: 0, recursionDesired: true, recursionAvailable: true,
                answers: ["93.184.216.34"], ttls: [300]),
            DNSRecord(
                ts: at(minutesAgo: 19), uid: "CA4", id: id("10.0.0.5", 40_001, "10.0.0.53", 53), proto: .udp,
                transactionID: 4661, query: "badexample.com", qclass: 1, qtype: 28, rcode: 3,
                recursionDesired: true),
        ]
        batch.http = [
            HTTPRecord(
                ts: at(minutesAgo: 10), uid: "CA5", id: id("10.0.0.5", 52_000, "203.0.113.80", 80), transDepth: 1,
                method: "GET", host: "update.example.net", uri: "/wp-login.php?x=1", version: "1.1",
                userAgent: "curl/8.0", responseBodyLength: 512, statusCode: 200, statusMessage: "OK"),
        ]
        batch.ssl = [
            SSLRecord(
                ts: at(minutesAgo: 30, plus: 5_000), uid: "CA1", id: id("10.0.0.5", 51_000, "93.184.216.34", 443),
                version: "TLSv13", cipher: "TLS_AES_128_GCM_SHA256", curve: "x25519", serverName: "example.com",
                established: true),
        ]
        return batch
    }

    static var betaBatch: RecordBatch {
        var batch = RecordBatch()
        batch.conns = [
            ConnRecord(
                ts: at(minutesAgo: 5), uid: "CB1", id: id("192.168.1.20", 60_000, "93.184.216.34", 80), proto: .tcp,
                service: ["http"], duration: NetworkDuration(microseconds: 3_500_000), originatorBytes: 300,
                responderBytes: 9_000, connState: .RSTO, history: "ShADar", originatorPackets: 6,
                originatorIPBytes: 600, responderPackets: 8, responderIPBytes: 9_500, ipProto: 6),
        ]
        batch.dns = [
            DNSRecord(
                ts: at(minutesAgo: 6), uid: "CB2", id: id("192.168.1.20", 5_353, "192.168.1.1", 53), proto: .udp,
                transactionID: 1, rtt: NetworkDuration(microseconds: 1_000), query: "Mail.Example.COM", qclass: 1,
                qtype: 15, rcode: 0, answers: ["mx1.example.com"], ttls: [60]),
        ]
        return batch
    }

    static var findings: [Finding] {
        [
            Finding(
                detector: "injection-callback", key: "10.0.0.5", severity: .high, score: 0.91, agentID: "alpha",
                host: IPAddress("10.0.0.5"), flows: [.init(id("10.0.0.5", 52_000, "203.0.113.80", 80), .tcp)],
                uids: ["CA5"], firstSeen: at(minutesAgo: 12), lastSeen: at(minutesAgo: 10),
                indicators: .init(addresses: [IPAddress("203.0.113.80") ?? .v4(0)], uris: ["/wp-login.php?x=1"]),
                evidence: [.init("requests", "3")], summary: "10.0.0.5 fetched a payload from 203.0.113.80 after an injection"),
            Finding(
                detector: "long-connection", key: "10.0.0.5-93.184.216.34", severity: .low, score: 0.3, agentID: "alpha",
                host: IPAddress("10.0.0.5"), firstSeen: at(minutesAgo: 30), lastSeen: at(minutesAgo: 17),
                summary: "12m34s connection to 93.184.216.34:443"),
            Finding(
                detector: "port-scan", key: "198.51.100.9", severity: .medium, score: 0.6, agentID: "alpha",
                host: IPAddress("10.0.0.7"), firstSeen: at(minutesAgo: 300), lastSeen: at(minutesAgo: 150),
                summary: "old scan"),
        ]
    }

    let directory: String
    let store: SQLiteFlowStore
    let findingStore: InMemoryFlowStore

    /// Creates and fills the store.
    static func make() async throws -> APIFixture {
        let directory = NSTemporaryDirectory() + "queryapi-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try SQLiteFlowStore(path: directory + "/fleet.sqlite")
        try await store.migrate()
        try await store.upsertAgent(AgentRegistration(
            id: "alpha", hostname: "web-1", addresses: [IPAddress("10.0.0.5") ?? .v4(0)], version: "0.2.0",
            seenAt: at(minutesAgo: 200)))
        try await store.upsertAgent(AgentRegistration(
            id: "beta", hostname: "office-gw", version: "0.2.0", seenAt: at(minutesAgo: 100)))
        _ = try await store.ingest(IngestBatch(
            agent: "alpha", sequence: 1, receivedAt: at(minutesAgo: 9), records: alphaBatch,
            stats: AgentStats(packets: 1_000, drops: 2)))
        _ = try await store.ingest(IngestBatch(
            agent: "beta", sequence: 1, receivedAt: at(minutesAgo: 4), records: betaBatch,
            stats: AgentStats(packets: 500, drops: 0)))
        let findingStore = InMemoryFlowStore()
        try await findingStore.upsertFindings(findings)
        return APIFixture(directory: directory, store: store, findingStore: findingStore)
    }

    /// Runs `body` with a server listening on a free loopback port, then stops it.
    func withServer<T>(
        pageSize: Int = 5_000, findings: Bool = true, _ body: (Int) async throws -> T
    ) async throws -> T {
        let server = QueryAPIServer(
            configuration: QueryAPIConfiguration(
                host: "127.0.0.1", port: 0, token: Self.token, pageSize: pageSize, now: { APIFixture.now }),
            store: store, findings: findings ? findingStore : nil, logger: Logger(label: "test"))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run { port in continuation.yield(port) } }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let result = try await body(port)
        task.cancel()
        _ = await task.result
        return result
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Collects a command's output.
final class OutputCollector: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }

    func context(environment: [String: String] = [:]) -> QueryContext {
        QueryContext(environment: environment, now: { APIFixture.now }, emit: { [self] more in
            self.bytes.withLock { $0 += more }
        })
    }
}

/// Parses and runs one fleetctl query command against `port`; returns its output.
func fleetctl(_ arguments: [String], port: Int, token: String? = APIFixture.token) async throws -> String {
    var full = arguments + ["--server", "127.0.0.1:\(port)"]
    if let token { full += ["--token", token] }
    let command = try Fleetctl.parseAsRoot(full)
    guard let query = command as? any QueryCommand else { throw FleetctlError("not a query command") }
    let collector = OutputCollector()
    try await query.execute(context: collector.context(environment: ["FLEETCTL_CONFIG": "/nonexistent/fleetctl.conf"]))
    return collector.text
}

import AgentCore
@testable import AgentRuntime
import AggregatorRuntime
import Capture
import FleetCLI
import FleetModel
import FleetTesting
import FlowTracking
import FleetWire
import Foundation
import Logging
import NIOCore
import NIOPosix
import Storage
import StorageSQLite
import Testing

/// Helpers shared by the runtime tests: temp stores, an in-process aggregator, record feeds and
/// comparisons against `OfflineAnalysis`.
enum TestSupport {
    /// A free TCP port on 127.0.0.1 below the kernel's ephemeral range (32768 and up), for an
    /// aggregator that must come back on the same port after it was stopped. A port the kernel
    /// handed out for `:0` can be handed again, while that aggregator is down, to another test's
    /// listener or connection, and the agent would then ship into the wrong server.
    static func stablePort() throws -> Int {
        for _ in 0..<500 {
            let candidate = Int.random(in: 20_000..<32_000)
            if canBind(candidate) { return candidate }
        }
        throw ProcessHarness.Failure(description: "no free port in 20000..<32000")
    }

    private static func canBind(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return bound == 0
    }

    static let logger: Logger = {
        var logger = Logger(label: "fleetwatch.test.runtime", factory: { _ in SwiftLogNoOpLogHandler() })
        logger.logLevel = .critical
        return logger
    }()

    /// A fresh directory under the system temp dir.
    struct TemporaryDirectory {
        let path: String
        init() {
            path = FileManager.default.temporaryDirectory
                .appendingPathComponent("fleetwatch-runtime-\(UUID().uuidString)").path
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { path + "/" + name }
    }

    /// The Zeek traces directory (env `FLEETWATCH_CONFORMANCE`, the checkout's sibling, or /work/shared).
    static var tracesDirectory: String? {
        if let directory = Fixtures.zeekConformanceDirectory { return directory.appendingPathComponent("traces").path }
        let shared = "/work/shared/conformance/zeek/traces"
        return FileManager.default.fileExists(atPath: shared) ? shared : nil
    }

    static func trace(_ name: String) -> String? {
        let fixture = Fixtures.fixturesDirectory.appendingPathComponent("pcap/\(name)").path
        if FileManager.default.fileExists(atPath: fixture) { return fixture }
        guard let directory = tracesDirectory else { return nil }
        let path = directory + "/" + name
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Opens (creating and migrating) an SQLite store.
    static func store(_ path: String) async throws -> SQLiteFlowStore {
        let store = try SQLiteFlowStore(path: path)
        try await store.migrate()
        return store
    }

    /// Runs an ingest server on 127.0.0.1 for the duration of `body`.
    static func withAggregator<T>(
        store: any FlowStore, port: Int = 0, authenticator: AgentAuthenticator = .anyAgent,
        limits: WireLimits = .standard, observer: (any IngestObserver)? = nil, _ body: (IngestServer) async throws -> T
    ) async throws -> T {
        let server = try await IngestServer.bind(
            configuration: IngestServerConfiguration(host: "127.0.0.1", port: port, authenticator: authenticator, limits: limits),
            store: store, observer: observer, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer {
                server.close()
                group.cancelAll()
            }
            return try await body(server)
        }
    }

    /// A trace's records as `fleetctl analyze` gives them, and the non-empty batches the agent cuts them into
    /// (at most `maxRecords` each): what the store must end up holding, and what to ship.
    static func replayBatches(_ file: String, maxRecords: Int) async throws -> (expected: RecordBatch, batches: [OutgoingBatch]) {
        let batches = try await producedBatches(file, policy: BatchPolicy(maxRecords: maxRecords)).filter { !$0.records.isEmpty }
        return (try offlineRecords(file), batches)
    }

    /// Every record batch a pcap gives through `RecordProducer` (as the agent cuts them).
    static func producedBatches(_ file: String, policy: BatchPolicy = BatchPolicy()) async throws -> [OutgoingBatch] {
        var producer = RecordProducer(policy: policy)
        var batches: [OutgoingBatch] = []
        try await producer.run(try PcapFileReader.packetBatches(path: file)) { flush in
            batches.append(OutgoingBatch(records: flush.records))
        }
        return batches
    }

    /// What `fleetctl analyze` gives for `file`.
    static func offlineRecords(_ file: String, uidSeed: UInt64? = nil) throws -> RecordBatch {
        var options = OfflineAnalysis.Options()
        if let uidSeed { options.pipeline.flows.uidSeed = uidSeed }
        options.outputDirectory = nil
        options.collectRecords = true
        return try OfflineAnalysis.run(files: [file], options: options).records
    }

    static func shipperConfiguration(port: Int, agent: String = "agent-1", token: String = "secret") -> ShipperConfiguration {
        ShipperConfiguration(
            host: "127.0.0.1", port: port, agentID: agent, token: token, hostname: "test-host", agentVersion: "test",
            backoff: Backoff.Configuration(initial: .milliseconds(20), maximum: .milliseconds(200)),
            drainTimeout: .seconds(20), connectTimeout: .seconds(2))
    }

    static func spool(_ directory: String) throws -> Spool {
        try Spool(configuration: SpoolConfiguration(directory: directory, synchronous: false), logger: logger)
    }

    /// A stream that yields `batches` and finishes.
    static func stream(_ batches: [OutgoingBatch]) -> AsyncThrowingStream<OutgoingBatch, any Error> {
        let (stream, continuation) = AsyncThrowingStream<OutgoingBatch, any Error>.makeStream()
        for batch in batches { continuation.yield(batch) }
        continuation.finish()
        return stream
    }

    static func counts<R: Hashable>(_ records: [R]) -> [R: Int] {
        records.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    /// The latest conn record per uid (the store replaces interim records by later ones).
    static func latestConns(_ conns: [ConnRecord]) -> [String: ConnRecord] {
        var latest: [String: ConnRecord] = [:]
        for conn in conns { latest[conn.uid] = conn }
        return latest
    }

    /// Checks the store holds exactly `expected` (conn by uid; dns/http/ssl/weird as multisets).
    static func expectStore(
        _ store: any FlowStore, holds expected: RecordBatch, agent: AgentID? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let all = RecordQuery(agent: agent, limit: RecordQuery.maximumLimit)
        let conns = try await store.conns(all).map(\.record)
        #expect(conns.count == Set(conns.map(\.uid)).count, "a conn uid stored twice", sourceLocation: sourceLocation)
        #expect(latestConns(conns) == latestConns(expected.conns), "conn records differ", sourceLocation: sourceLocation)
        #expect(counts(try await store.dns(all).map(\.record)) == counts(expected.dns), "dns differ", sourceLocation: sourceLocation)
        #expect(counts(try await store.http(all).map(\.record)) == counts(expected.http), "http differ", sourceLocation: sourceLocation)
        #expect(counts(try await store.ssl(all).map(\.record)) == counts(expected.ssl), "ssl differ", sourceLocation: sourceLocation)
        #expect(counts(try await store.weirds(all).map(\.record)) == counts(expected.weirds), "weird differ", sourceLocation: sourceLocation)
    }
}

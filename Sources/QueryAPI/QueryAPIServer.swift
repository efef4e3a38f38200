import Foundation
public import FleetModel
public import Hummingbird
public import Logging
public import Prometheus
public import Storage
import ZeekLogs

/// Where and how the query API listens.
public struct QueryAPIConfiguration: Sendable {
    /// Address to bind (`127.0.0.1`, `::1`, `0.0.0.0`).
    public var host: String
    /// Port to bind; 0 picks a free one (see ``QueryAPIServer/run(onListening:)``).
    public var port: Int
    /// The bearer token every `/v1` request must carry.
    public var token: String
    /// Records read from the store per page while streaming.
    public var pageSize: Int
    /// The current time, for relative `since`/`until` (`1h`). Tests pass a fixed clock.
    public var now: @Sendable () -> NetworkTime

    /// A configuration with the wall clock.
    public init(
        host: String, port: Int, token: String, pageSize: Int = 5_000,
        now: @escaping @Sendable () -> NetworkTime = QueryAPIConfiguration.wallClock
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.pageSize = pageSize
        self.now = now
    }

    /// The system clock as a ``NetworkTime``.
    @Sendable public static func wallClock() -> NetworkTime {
        NetworkTime(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}

/// The aggregator's HTTP query API (Hummingbird, HTTP/1.1).
///
/// - `GET /healthz`: `ok` (no token).
/// - `GET /metrics`: Prometheus text exposition of `metrics` (no token).
/// - `GET /v1/conn|dns|http|ssl|weird`: records as JSON lines (``RecordJSON``), streamed page by
///   page with chunked encoding; filters as in ``QueryParameters``.
/// - `GET /v1/anomalies`: findings as JSON lines, most severe first.
/// - `GET /v1/agents`: the agent registry as JSON lines.
///
/// Every `/v1` route needs `Authorization: Bearer <token>` (401 otherwise). Bad parameters are a
/// 400 with `{"error": …, "parameter": …}`.
public struct QueryAPIServer: Sendable {
    private let configuration: QueryAPIConfiguration
    private let store: any FlowStore
    private let findings: (any FindingStore)?
    private let metrics: PrometheusCollectorRegistry
    private let beforeScrape: @Sendable () async -> Void
    private let logger: Logger

    /// A server over `store`.
    /// - Parameters:
    ///   - findings: where anomalies are read; nil answers `/v1/anomalies` with 503.
    ///   - metrics: the registry `/metrics` renders; the API adds its request counters to it.
    ///   - beforeScrape: called before each `/metrics` render (to refresh gauges).
    public init(
        configuration: QueryAPIConfiguration, store: any FlowStore, findings: (any FindingStore)?,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        beforeScrape: @escaping @Sendable () async -> Void = {}, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.findings = findings
        self.metrics = metrics
        self.beforeScrape = beforeScrape
        self.logger = logger
    }

    /// Serves until the task is cancelled.
    /// - Parameter onListening: called once with the bound port.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            router: router(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "fleet-aggregator"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.run()
    }

    /// The routes (exposed for in-process tests).
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("healthz") { _, _ in
            self.count("healthz")
            return "ok\n"
        }
        router.get("metrics") { _, _ in
            await self.beforeScrape()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: self.metrics.emitToBuffer())))
        }
        let v1 = router.group("v1").add(middleware: BearerTokenMiddleware(token: configuration.token))
        let store = store
        v1.get("conn") { request, _ in
            try self.records(request, kind: .conn, fetch: { try await store.conns($0) }, timestamp: \.ts)
        }
        v1.get("dns") { request, _ in
            try self.records(request, kind: .dns, fetch: { try await store.dns($0) }, timestamp: \.ts)
        }
        v1.get("http") { request, _ in
            try self.records(request, kind: .http, fetch: { try await store.http($0) }, timestamp: \.ts)
        }
        v1.get("ssl") { request, _ in
            try self.records(request, kind: .ssl, fetch: { try await store.ssl($0) }, timestamp: \.ts)
        }
        v1.get("weird") { request, _ in
            try self.records(request, kind: .weird, fetch: { try await store.weirds($0) }, timestamp: \.ts)
        }
        v1.get("anomalies") { request, _ in try await self.anomalies(request) }
        v1.get("agents") { request, _ in try await self.agents(request) }
        return router
    }

    private static func parameters(_ request: Request) -> [(name: String, value: String)] {
        request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
    }

    private static var jsonLinesHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-ndjson"
        return headers
    }

    private func count(_ endpoint: String) {
        metrics.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "fleet_api_requests", unitName: "total", helpText: "Query API requests by endpoint"),
            labels: [("endpoint", endpoint)]
        ).increment()
    }

    private func records<Record: ZeekLogRecord & Sendable & Hashable>(
        _ request: Request, kind: RecordKind, fetch: @escaping RecordPager<Record>.Fetch,
        timestamp: @escaping @Sendable (Record) -> NetworkTime
    ) throws -> Response {
        count(kind.rawValue)
        let query = try QueryParameters.recordQuery(Self.parameters(request), kind: kind, now: configuration.now())
        let pager = RecordPager(pageSize: configuration.pageSize, fetch: fetch, timestamp: timestamp)
        let logger = logger
        return Response(status: .ok, headers: Self.jsonLinesHeaders, body: ResponseBody { writer in
            do {
                try await pager.forEachPage(query) { page in
                    try await writer.write(ByteBuffer(bytes: RecordJSON.lines(page)))
                }
            } catch {
                // Headers are gone: ending without the last chunk tells the client the body is cut.
                logger.error("query failed while streaming", metadata: ["query.kind": "\(kind.rawValue)", "error": "\(error)"])
                throw error
            }
            try await writer.finish(nil)
        })
    }

    private func anomalies(_ request: Request) async throws -> Response {
        count("anomalies")
        let query = try QueryParameters.findingQuery(Self.parameters(request), now: configuration.now())
        guard let findings else {
            throw QueryAPIError(status: .serviceUnavailable, message: "this aggregator keeps no findings")
        }
        let results = try await findings.findings(query)
        return Response(status: .ok, headers: Self.jsonLinesHeaders, body: ResponseBody { writer in
            var start = 0
            while start < results.count {
                let end = min(results.count, start + 1_000)
                var bytes: [UInt8] = []
                for finding in results[start..<end] { bytes += RecordJSON.line(finding) }
                try await writer.write(ByteBuffer(bytes: bytes))
                start = end
            }
            try await writer.finish(nil)
        })
    }

    private func agents(_ request: Request) async throws -> Response {
        count("agents")
        let filter = try QueryParameters.agentFilter(Self.parameters(request))
        let agents: [AgentInfo]
        if let filter {
            agents = try await store.agent(filter).map { [$0] } ?? []
        } else {
            agents = try await store.agents()
        }
        var bytes: [UInt8] = []
        for agent in agents { bytes += RecordJSON.line(agent) }
        return Response(status: .ok, headers: Self.jsonLinesHeaders, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

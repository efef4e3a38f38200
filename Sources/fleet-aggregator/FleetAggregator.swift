import ProcessSupport
import AggregatorRuntime
import ArgumentParser
import FleetConfig
import Foundation
import Logging
import NIOCore
import NIOPosix
import FleetModel
import Prometheus
import QueryAPI
import Storage
import StorageSQLite
import StoragePostgres

/// `fleet-aggregator`: receives record batches from agents and commits them to SQLite exactly once.
@main
struct FleetAggregator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-aggregator",
        abstract: "Receive record batches from fleet agents and store them exactly once (SQLite, or PostgreSQL shared by several aggregators).")

    @Option(help: "YAML configuration file (deploy/fleet-aggregator.yaml documents it); flags override it.")
    var config: String?

    @Option(help: "Ingest address to listen on, HOST:PORT (default 127.0.0.1:7070).")
    var listen: String?

    @Option(help: "SQLite database file (created on first start), or postgres://user[:password]@host:port/database.")
    var store: String?

    @Option(help: "Tokens file: one `agent-id token` pair per line.")
    var tokens: String?

    @Flag(help: "Accept any agent id and token (demos and tests only).")
    var allowAnyAgent = false

    @Flag(help: "Accept unencrypted TCP (loopback tests and demos only).")
    var plaintext = false

    @Option(help: "TLS certificate chain (PEM, leaf first).")
    var tlsCert: String?

    @Option(help: "TLS private key (PEM).")
    var tlsKey: String?

    @Option(help: "Noise file for the detectors (endpoints, networks, allowlists); reloaded on SIGHUP.")
    var noise: String?

    @Option(help: "Query API address, HOST:PORT (off when not given).")
    var api: String?

    @Option(help: "File holding the query API's bearer token (else $FLEET_API_TOKEN).")
    var apiTokenFile: String?

    @Option(help: "Delete records older than this (90m, 24h, 7d; 0 keeps everything).")
    var retention: String = "7d"

    @Option(help: "Warm-up per agent, in packet time from its first record: unexplained destinations are not alarms before it ends (default 5m; 0 turns it off, e.g. to judge a replayed capture like `fleetctl analyze`).")
    var warmUp: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String?

    func validate() throws {
        _ = try settings()
    }

    /// The configuration file (or the defaults) with every given flag applied, validated.
    func settings() throws -> AggregatorConfig {
        var settings: AggregatorConfig
        do {
            settings = try config.map { path throws(ConfigError) in try AggregatorConfig(contentsOf: path) }
                ?? AggregatorConfig()
        } catch {
            throw ValidationError("\(error)")
        }
        if let listen {
            guard let address = HostAndPort(listen, listening: true) else { throw ValidationError("--listen must be HOST:PORT, got \(listen)") }
            settings.listen = address
        }
        if let store { settings.store = store }
        if let tokens { settings.tokens = tokens; settings.allowAnyAgent = false }
        if allowAnyAgent { settings.allowAnyAgent = true; if tokens == nil { settings.tokens = nil } }
        if plaintext { settings.plaintext = true; if tlsCert == nil { settings.tls = .init() } }
        if let tlsCert { settings.tls.cert = tlsCert; if !plaintext { settings.plaintext = false } }
        if let tlsKey { settings.tls.key = tlsKey }
        if let logLevel { settings.logLevel = logLevel }
        if let api { _ = try HostPort(parsing: api) }
        guard retention == "0" || QueryTime.duration(retention) != nil else {
            throw ValidationError("--retention \(retention): expected a duration such as 7d, 24h or 0")
        }
        _ = try warmUpDuration()
        do { try settings.validate() } catch { throw ValidationError("\(error)") }
        return settings
    }

    /// `--warm-up` as a duration (nil: the default); `0` is `.zero`.
    func warmUpDuration() throws -> NetworkDuration? {
        guard let warmUp else { return nil }
        if warmUp == "0" { return .zero }
        guard let duration = QueryTime.duration(warmUp) else {
            throw ValidationError("--warm-up \(warmUp): expected a duration such as 5m, 90s or 0")
        }
        return duration
    }

    func run() async throws {
        let settings = try settings()
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "fleet-aggregator")
        let store = settings.store ?? ""

        let authenticator: AgentAuthenticator
        if let tokens = settings.tokens {
            let text: String
            do { text = try String(contentsOfFile: tokens, encoding: .utf8) } catch {
                throw ValidationError("cannot read tokens file \(tokens): \(error.localizedDescription)")
            }
            do { authenticator = try AgentAuthenticator.parse(tokensFile: text) } catch {
                throw ValidationError("\(tokens): \(error)")
            }
            logger.info("loaded agent tokens", metadata: ["tokens.agents": "\(authenticator.agentCount)"])
        } else {
            authenticator = .anyAgent
            logger.warning("--allow-any-agent: every agent id is accepted without a token check")
        }

        switch AggregatorStoreLocation(store) {
        case .sqlite(let path):
            try await serve(store: try SQLiteFlowStore(path: path), settings: settings, authenticator: authenticator, logger: logger)
        case .postgres(let url):
            let postgres = try PostgresFlowStore(url: url, logger: Logger(label: "fleet-aggregator.postgres"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await postgres.run() }  // the connection pool, until cancelled
                defer { group.cancelAll() }
                try await serve(store: postgres, settings: settings, authenticator: authenticator, logger: logger)
            }
        }
    }

    /// Migrates `flowStore`, then runs ingest, detection, the query API and retention over it until a signal.
    private func serve(
        store flowStore: some AggregatorStore, settings: AggregatorConfig, authenticator: AgentAuthenticator, logger: Logger
    ) async throws {
        let address = settings.listen
        try await flowStore.migrate()
        logger.info("store ready", metadata: ["store.backend": "\(flowStore.backendName)"])
        let detection = try await DetectionService.start(
            noiseFile: noise, warmUp: try warmUpDuration(), store: flowStore,
            restoring: !(flowStore is any DetectionFeed), logger: logger)

        let tls = try settings.tls.cert.map { cert in
            try IngestTLS.serverContext(certificatePath: cert, privateKeyPath: settings.tls.key ?? "")
        }
        // A shared store (PostgreSQL) has a detection feed: the aggregator holding its lease detects over every
        // aggregator's batches; otherwise this aggregator detects on what it commits.
        let leader = (flowStore as? any DetectionFeed).map { feed in
            DetectionLeader(feed: feed, store: flowStore, service: detection, logger: logger)
        }
        let server = try await IngestServer.bind(
            configuration: IngestServerConfiguration(
                host: address.host, port: address.port, authenticator: authenticator, tls: tls),
            store: flowStore, observer: leader == nil ? detection : nil, logger: logger)
        let detectionTask = Task {
            if let leader { await leader.run() } else { await detection.run() }
        }
        let apiServer = try await makeAPIServer(
            store: flowStore, ingest: server, detection: detection.counters, logger: logger)
        let retentionService = makeRetention(store: flowStore, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            if let noise { group.addTask { await detection.reloadNoise(from: noise, on: HangupSignal.stream()) } }
            if let apiServer {
                group.addTask {
                    try await apiServer.server.run { port in
                        logger.info("query API listening", metadata: ["api.address": "\(apiServer.host):\(port)"])
                    }
                }
            }
            if let retentionService { group.addTask { await retentionService.run() } }
            group.addTask {
                let signal = await ShutdownSignal.wait()
                if Task.isCancelled { return }
                logger.info("shutting down", metadata: ["signal": "\(signal)"])
                server.close()
            }
            try await group.next()
            group.cancelAll()
        }
        // Evaluate what is queued (or stop following the feed), write the findings, then stop.
        detection.finish()
        if leader != nil { detectionTask.cancel() }
        await detectionTask.value
        let counters = server.counters.snapshot
        logger.info("aggregator stopped", metadata: [
            "batches.stored": "\(counters.batchesStored)", "records.stored": "\(counters.recordsStored)",
            "batches.duplicate": "\(counters.duplicateBatches)", "errors.protocol": "\(counters.protocolErrors)",
            "errors.auth": "\(counters.authenticationFailures)",
        ])
    }
}

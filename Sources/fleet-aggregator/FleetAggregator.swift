import ProcessSupport
import AggregatorRuntime
import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import FleetModel
import Prometheus
import QueryAPI
import Storage
import StorageSQLite

/// `fleet-aggregator`: receives record batches from agents and commits them to SQLite exactly once.
@main
struct FleetAggregator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-aggregator",
        abstract: "Receive record batches from fleet agents and store them exactly once in SQLite.")

    @Option(help: "Ingest address to listen on, HOST:PORT.")
    var listen: String = "127.0.0.1:7070"

    @Option(help: "SQLite database file (created on first start).")
    var store: String

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

    @Option(help: "Query API address, HOST:PORT (off when not given).")
    var api: String?

    @Option(help: "File holding the query API's bearer token (else $FLEET_API_TOKEN).")
    var apiTokenFile: String?

    @Option(help: "Delete records older than this (90m, 24h, 7d; 0 keeps everything).")
    var retention: String = "7d"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard plaintext != (tlsCert != nil) else {
            throw ValidationError("give either --tls-cert/--tls-key or, for plain TCP, the explicit --plaintext")
        }
        guard (tokens != nil) != allowAnyAgent else {
            throw ValidationError("give exactly one of --tokens FILE or --allow-any-agent")
        }
        _ = try HostPort(parsing: listen)
        if let api { _ = try HostPort(parsing: api) }
        guard QueryTime.duration(retention) != nil else {
            throw ValidationError("--retention \(retention): expected a duration such as 7d, 24h or 0")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level \(logLevel)") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "fleet-aggregator")
        let address = try HostPort(parsing: listen)

        let authenticator: AgentAuthenticator
        if let tokens {
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

        let flowStore = try SQLiteFlowStore(path: store)
        try await flowStore.migrate()

        let tls = try tlsCert.map { cert in
            try IngestTLS.serverContext(certificatePath: cert, privateKeyPath: tlsKey ?? "")
        }
        let server = try await IngestServer.bind(
            configuration: IngestServerConfiguration(
                host: address.host, port: address.port, authenticator: authenticator, tls: tls),
            store: flowStore, logger: logger)
        let apiServer = try await makeAPIServer(store: flowStore, ingest: server, logger: logger)
        let retentionService = makeRetention(store: flowStore, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
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
        let counters = server.counters.snapshot
        logger.info("aggregator stopped", metadata: [
            "batches.stored": "\(counters.batchesStored)", "records.stored": "\(counters.recordsStored)",
            "batches.duplicate": "\(counters.duplicateBatches)", "errors.protocol": "\(counters.protocolErrors)",
            "errors.auth": "\(counters.authenticationFailures)",
        ])
    }
}

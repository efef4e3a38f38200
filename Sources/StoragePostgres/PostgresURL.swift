import Foundation
import NIOSSL
import PostgresNIO
import Storage

/// Parses `postgres://user:password@host:port/database` URLs (also `postgresql://`) into a client
/// configuration. Query items: `sslmode=disable|prefer|require` (default `disable`),
/// `search_path=SCHEMA` (tables live in that schema; tests give each run its own),
/// `max_connections=N` (pool size, default 20) and `idle_in_transaction_timeout=SECONDS`.
///
/// Every session asks the server to end a transaction left idle for `idle_in_transaction_timeout`
/// seconds (default 60; 0 turns it off, PostgreSQL's `idle_in_transaction_session_timeout`): a
/// stopped or hung aggregator would otherwise keep its row locks, and its peers would wait for
/// them. The aggregator's own transactions never wait between statements.
enum PostgresURL {
    /// Seconds a transaction may sit idle before the server ends it (and releases its locks).
    static let defaultIdleInTransactionTimeout = 60

    static func configuration(_ text: String) throws(StorageError) -> PostgresClient.Configuration {
        func bad(_ why: String) -> StorageError {
            StorageError.database.with(message: "bad PostgreSQL URL: \(why) (want postgres://user:password@host:port/database)")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql"
        else { throw bad("not a postgres:// URL") }
        guard let host = components.host, !host.isEmpty else { throw bad("no host") }
        guard let user = components.user, !user.isEmpty else { throw bad("no user") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw bad("no database") }
        var tls = PostgresClient.Configuration.TLS.disable
        var searchPath: String?
        var maximumConnections: Int?
        var idleTimeout = defaultIdleInTransactionTimeout
        for item in components.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("sslmode", "disable"): tls = .disable
            case ("sslmode", "prefer"): tls = .prefer(.makeClientConfiguration())
            case ("sslmode", "require"): tls = .require(.makeClientConfiguration())
            case ("search_path", let value) where !value.isEmpty: searchPath = value
            case ("max_connections", let value):
                guard let count = Int(value), count >= 1, count <= 1_000 else { throw bad("max_connections \(value)") }
                maximumConnections = count
            case ("idle_in_transaction_timeout", let value):
                guard let seconds = Int(value), seconds >= 0, seconds <= 86_400 else {
                    throw bad("idle_in_transaction_timeout \(value) (want 0 to 86400 seconds)")
                }
                idleTimeout = seconds
            default: throw bad("unsupported parameter \(item.name)=\(item.value ?? "")")
            }
        }
        var configuration = PostgresClient.Configuration(
            host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: components.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database.removingPercentEncoding ?? database, tls: tls)
        // Startup parameters set the session's defaults (PostgreSQL's protocol, StartupMessage).
        configuration.options.additionalStartupParameters = [
            ("idle_in_transaction_session_timeout", "\(idleTimeout)s")
        ]
        if let searchPath { configuration.options.additionalStartupParameters.append(("search_path", searchPath)) }
        if let maximumConnections { configuration.options.maximumConnections = maximumConnections }
        return configuration
    }
}

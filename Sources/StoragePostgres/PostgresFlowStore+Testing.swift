import Foundation
package import Logging
import PostgresNIO
import Storage

extension PostgresFlowStore {
    /// Runs `body` with a fresh, migrated store in a schema of its own (created for the call and
    /// dropped after it), so tests can run in parallel against one server. The store's pool runs
    /// for the duration of the call.
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database` of a server the caller may create schemas in.
    ///   - body: gets the store and the URL of its schema (for more stores on the same data).
    package static func withTemporarySchema<Value>(
        url: String, logger: Logger = PostgresFlowStore.quietLogger,
        _ body: (PostgresFlowStore, String) async throws -> Value
    ) async throws -> Value {
        let schema = "fleet_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresFlowStore(url: url, logger: logger)
        let scopedURL = url + (url.contains("?") ? "&" : "?") + "search_path=\(schema)"
        let scoped = try PostgresFlowStore(url: scopedURL, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self, returning: Value.self) { group in
            group.addTask { await admin.run() }
            group.addTask { await scoped.run() }
            defer { group.cancelAll() }
            try await admin.wrap {
                try await admin.client.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), logger: logger)
            }
            do {
                try await scoped.migrate()
                let value = try await body(scoped, scopedURL)
                try await admin.dropSchema(schema)
                return value
            } catch {
                try? await admin.dropSchema(schema)
                throw error
            }
        }
    }

    /// Tests' logger: errors only (the pool warns when a query waits for ``run()`` to start).
    package static var quietLogger: Logger {
        var logger = Logger(label: "fleet.store.postgres.test")
        logger.logLevel = .error
        return logger
    }

    private func dropSchema(_ schema: String) async throws {
        try await wrap {
            try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"), logger: logger)
        }
    }

    /// Runs raw SQL (tests use it to damage rows on purpose).
    package func executeRawSQL(_ sql: String) async throws {
        try await wrap {
            for try await _ in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger) {}
        }
    }
}

extension PostgresFlowStore {
    /// The day partitions of a record table, oldest first (tests check retention drops them).
    package func partitionNames(of table: String) async throws -> [String] {
        try await wrap {
            try await client.withConnection { connection in
                try await partitionDays(of: table, on: connection).map(\.0)
            }
        }
    }

    /// The session's value of a server setting (`SHOW name`).
    package func setting(_ name: String) async throws -> String? {
        try await wrap {
            for try await row in try await client.query(PostgresQuery(unsafeSQL: "SHOW \(name)"), logger: logger) {
                return try row.decode(String.self)
            }
            return nil
        }
    }

    /// Opens a transaction, locks `agent`'s sequence row as an ingest does, then sits idle for `idle`
    /// as a stopped aggregator would, and then commits as a resumed one would; returns whether the
    /// commit failed (the server having ended the session meanwhile) — it must fail, not hang.
    package func stallInTransaction(lockingAgent agent: String, idle: Duration) async throws -> Bool {
        try await client.withConnection { connection in
            try await connection.statement("BEGIN", logger: logger)
            try await connection.statement(
                "SELECT last_sequence FROM agent_sequences WHERE agent_id = \(agent) FOR UPDATE", logger: logger)
            try await Task.sleep(for: idle)
            do {
                try await connection.statement("COMMIT", logger: logger)
                return false
            } catch {
                return true
            }
        }
    }
}

import Logging
import Storage
import StoragePostgres
import StorageSQLite

/// Opens the benchmark's stores: a SQLite file path or a `postgres://` URL.
enum StoreAccess {
    static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Rows per record table of the store at `location`.
    static func recordCounts(_ location: String) async throws -> [String: Int] {
        if isPostgres(location) {
            return try await withPostgres(url: location) { try await $0.recordCounts() }
        }
        return try await SQLiteFlowStore(path: location).recordCounts()
    }

    /// Runs `body` with a PostgreSQL store whose connection pool runs for the duration of the call.
    static func withPostgres<Value: Sendable>(
        url: String, _ body: (PostgresFlowStore) async throws -> Value
    ) async throws -> Value {
        let store = try PostgresFlowStore(url: url, logger: PostgresFlowStore.quietLogger)
        return try await withThrowingTaskGroup(of: Void.self, returning: Value.self) { pool in
            pool.addTask { await store.run() }
            defer { pool.cancelAll() }
            return try await body(store)
        }
    }
}

import Foundation
import Storage
import StorageSQLite
import StoragePostgres
import Testing

/// The backends every contract test runs against.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite
    /// A real PostgreSQL server named by `FLEET_TEST_POSTGRES_URL` (each test in a schema of its
    /// own); without the variable these cases are cancelled (reported as skipped), never passed.
    case postgres

    var testDescription: String { rawValue }

    /// The environment variable naming the PostgreSQL server for the tests.
    static let postgresURLVariable = "FLEET_TEST_POSTGRES_URL"
}

/// A temporary directory removed when the closure returns.
func withTemporaryDirectory<Value>(_ body: (URL) async throws -> Value) async throws -> Value {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("fleetwatch-storage-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// Runs `body` with a fresh, migrated PostgreSQL store in its own schema, or skips the test case
/// (`Test.cancel`) when `FLEET_TEST_POSTGRES_URL` is not set.
func withPostgresStore<Value>(_ body: (PostgresFlowStore, String) async throws -> Value) async throws -> Value {
    guard let url = ProcessInfo.processInfo.environment[StoreBackend.postgresURLVariable], !url.isEmpty else {
        try Test.cancel("\(StoreBackend.postgresURLVariable) is not set: PostgreSQL case skipped (scripts/with-postgres.sh sets it)")
    }
    return try await PostgresFlowStore.withTemporarySchema(url: url, body)
}

/// Runs `body` with a fresh, migrated store of the given backend (SQLite in a temporary file).
func withStore<Value>(_ backend: StoreBackend, _ body: (any FlowStore) async throws -> Value) async throws -> Value {
    try await withFindingStore(backend) { store in try await body(store) }
}

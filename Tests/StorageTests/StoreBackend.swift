import Foundation
import Storage
import StorageSQLite
import StoragePostgres
import Testing

/// The backends every contract test runs against.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite
    /// A real PostgreSQL server named by `FLEET_TEST_POSTGRES_URL` (each test in a schema of its own).
    case postgres

    var testDescription: String { rawValue }

    /// The environment variable naming the PostgreSQL server for the tests.
    static let postgresURLVariable = "FLEET_TEST_POSTGRES_URL"

    /// The server URL from ``postgresURLVariable``, nil when unset or empty.
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment[postgresURLVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The backends the contract tests run on: memory and SQLite always, PostgreSQL when
    /// ``postgresURL`` is set (without it, `PostgresStoreTests` reports its tests as skipped and why).
    static var available: [StoreBackend] { postgresURL == nil ? [.memory, .sqlite] : allCases }

    /// Why the PostgreSQL tests are skipped.
    static let postgresSkipReason: Comment =
        "FLEET_TEST_POSTGRES_URL is not set: PostgreSQL store tests skipped (scripts/with-postgres.sh sets it)"
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
    guard let url = StoreBackend.postgresURL else { try Test.cancel(StoreBackend.postgresSkipReason) }
    return try await PostgresFlowStore.withTemporarySchema(url: url, body)
}

/// Runs `body` with a fresh, migrated store of the given backend (SQLite in a temporary file).
func withStore<Value>(_ backend: StoreBackend, _ body: (any FlowStore) async throws -> Value) async throws -> Value {
    try await withFindingStore(backend) { store in try await body(store) }
}

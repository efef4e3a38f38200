import Foundation
import Storage
import StorageSQLite
import Testing

/// The backends every contract test runs against.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite

    var testDescription: String { rawValue }
}

/// A temporary directory removed when the closure returns.
func withTemporaryDirectory<Value>(_ body: (URL) async throws -> Value) async throws -> Value {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("fleetwatch-storage-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// Runs `body` with a fresh, migrated store of the given backend (SQLite in a temporary file).
func withStore<Value>(_ backend: StoreBackend, _ body: (any FlowStore) async throws -> Value) async throws -> Value {
    switch backend {
    case .memory:
        let store = InMemoryFlowStore()
        try await store.migrate()
        return try await body(store)
    case .sqlite:
        return try await withTemporaryDirectory { directory in
            let store = try SQLiteFlowStore(path: directory.appendingPathComponent("flows.sqlite").path)
            try await store.migrate()
            return try await body(store)
        }
    }
}

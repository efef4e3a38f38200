import FleetModel
import Storage
import StoragePostgres
import StorageSQLite

/// What the aggregator needs from a store backend beyond the protocols: chunked retention and the
/// maintenance after a retention pass.
protocol AggregatorStore: FlowStore, FindingStore {
    /// A name for logs.
    var backendName: String { get }
    /// Deletes at most about `chunkSize` records older than `time`; 0 when none is left.
    func deleteOlderThan(_ time: NetworkTime, chunkSize: Int) async throws -> Int
    /// Refreshes planner statistics after a retention pass deleted something.
    func afterRetentionPass() async throws
}

extension SQLiteFlowStore: AggregatorStore {
    var backendName: String { "sqlite" }
    func afterRetentionPass() async throws { try await optimize() }
}

extension PostgresFlowStore: AggregatorStore {
    var backendName: String { "postgres" }
    func afterRetentionPass() async throws { try await analyze() }
}

/// Where `--store` (or `store:` in the config file) points: a `postgres://` or `postgresql://`
/// URL selects PostgreSQL, anything else is an SQLite file path.
enum AggregatorStoreLocation: Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    init(_ text: String) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            self = .sqlite(path: text)
        }
    }
}

import FleetModel
import Foundation
import QueryAPI
import Storage
import StoragePostgres

/// The PostgreSQL side of fleet-querybench: the simulated day lives in schema `fleet_querybench`
/// of the given database. A schema that already holds the whole day (its conn count and agents
/// match) is reused; otherwise (or with `--reload`) it is dropped and loaded again.
struct PostgresBench {
    static let schema = "fleet_querybench"

    let url: String
    let agents: Int
    let conns: Int
    let hours: Int
    let reload: Bool

    /// Loads the day when needed, then calls `body` with the store (its pool running), the data's
    /// end and a label for the output.
    func run(
        _ body: (PostgresFlowStore, PostgresFlowStore, NetworkTime, String) async throws -> Void
    ) async throws {
        guard !url.contains("search_path=") else {
            throw StorageError.database.with(message: "querybench: give the database URL without search_path (it uses schema \(Self.schema))")
        }
        let scopedURL = url + (url.contains("?") ? "&" : "?") + "search_path=\(Self.schema)"
        let admin = try PostgresFlowStore(url: url, logger: PostgresFlowStore.quietLogger)
        let store = try PostgresFlowStore(url: scopedURL, logger: PostgresFlowStore.quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { pools in
            pools.addTask { await admin.run() }
            pools.addTask { await store.run() }
            defer { pools.cancelAll() }
            let fleet = SimulatedFleet(agents: agents, conns: conns, hours: hours, end: QueryAPIConfiguration.wallClock())
            var end = try await loadedEnd(store, expectedConns: fleet.storedConns)
            if reload || end == nil {
                progress("querybench: loading \(fleet.storedConns) conns into \(Self.schema) (PostgreSQL)")
                try await admin.executeRawSQL("DROP SCHEMA IF EXISTS \(Self.schema) CASCADE")
                try await admin.executeRawSQL("CREATE SCHEMA \(Self.schema)")
                try await store.migrate()
                let began = ContinuousClock.now
                try await fleet.load(into: store)
                let seconds = Double((ContinuousClock.now - began).components.seconds)
                let total = try await store.recordCounts().values.reduce(0, +)
                progress("querybench: loaded \(total) records in \(Int(seconds)) s"
                    + (seconds > 0 ? " (\(Int(Double(total) / seconds)) records/s, index build and ANALYZE included)" : ""))
                end = try await loadedEnd(store, expectedConns: fleet.storedConns)
            }
            guard let end else {
                throw StorageError.database.with(message: "querybench: the load did not leave the expected data in \(Self.schema)")
            }
            let counts = try await store.recordCounts()
            let label = "store: PostgreSQL schema \(Self.schema) (" + counts.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")  findings: PostgreSQL"
            try await body(store, store, end, label)
        }
    }

    /// The data's end (the agents' last batch time) when the schema holds the whole day, else nil.
    private func loadedEnd(_ store: PostgresFlowStore, expectedConns: Int) async throws -> NetworkTime? {
        guard let counts = try? await store.recordCounts(), counts["conn"] == expectedConns else { return nil }
        let registered = try await store.agents()
        guard registered.count == agents else { return nil }
        return registered.map(\.lastSeen).max()
    }
}

import FleetModel
import Foundation
import Storage
import StoragePostgres
import StorageSQLite

/// The ceiling: the same records through the store's own ingest path (sequence check, counters,
/// one transaction per group of batches), no network, no decoding.
enum RawInsert {
    struct Outcome {
        var seconds: Double
        var cpuSeconds: Double
    }

    /// - Parameters:
    ///   - store: a fresh SQLite file or an empty (or not yet migrated) PostgreSQL database URL.
    ///   - parallel: concurrent writers; agent `i`'s batches go to writer `i % parallel` (in order).
    static func measure(workload: Workload, store location: String, groupRecords: Int, parallel: Int) async throws -> Outcome {
        let writers = max(1, parallel)
        let groups = (0..<writers).map { writer in
            Self.groups(workload.ingestBatches { $0 % writers == writer }, records: groupRecords)
        }
        if StoreAccess.isPostgres(location) {
            return try await StoreAccess.withPostgres(url: location) { store in
                try await store.migrate()
                let outcome = try await time(groups, into: store)
                try check(try await store.recordCounts(), workload)
                return outcome
            }
        }
        let store = try SQLiteFlowStore(path: location)
        try await store.migrate()
        let outcome = try await time(groups, into: store)
        try check(try await store.recordCounts(), workload)
        return outcome
    }

    /// Batches in order, cut into groups of at most `records` records (a batch is never split).
    static func groups(_ batches: [IngestBatch], records limit: Int) -> [[IngestBatch]] {
        var groups: [[IngestBatch]] = []
        var current: [IngestBatch] = []
        var records = 0
        for batch in batches {
            if !current.isEmpty && records + batch.records.count > limit {
                groups.append(current)
                current = []
                records = 0
            }
            current.append(batch)
            records += batch.records.count
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// Each writer stores its groups in order; the writers run concurrently.
    private static func time(_ groups: [[[IngestBatch]]], into store: some FlowStore) async throws -> Outcome {
        let cpuStart = processCPUSeconds()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { writers in
            for mine in groups {
                writers.addTask {
                    for group in mine {
                        for result in await store.ingest(contentsOf: group) {
                            guard case .success(.stored) = result else {
                                throw StorageError.database.with(message: "raw insert failed: \(result)")
                            }
                        }
                    }
                }
            }
            try await writers.waitForAll()
        }
        return Outcome(seconds: Nanoseconds.seconds(ContinuousClock.now - start), cpuSeconds: processCPUSeconds() - cpuStart)
    }

    private static func check(_ counts: [String: Int], _ workload: Workload) throws {
        guard counts == workload.expectedCounts else {
            throw StorageError.database.with(message: "raw store holds \(counts), expected \(workload.expectedCounts)")
        }
    }

    /// CPU time of this process (all threads).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

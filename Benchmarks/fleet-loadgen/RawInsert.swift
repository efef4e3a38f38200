import FleetModel
import Foundation
import Storage
import StorageSQLite

/// The ceiling: the same records through the store's own ingest path (sequence check, counters,
/// one transaction per group of batches), no network, no decoding.
enum RawInsert {
    struct Outcome {
        var seconds: Double
        var cpuSeconds: Double
    }

    static func measure(workload: Workload, path: String, groupRecords: Int) async throws -> Outcome {
        let store = try SQLiteFlowStore(path: path)
        try await store.migrate()
        let batches = workload.ingestBatches()
        var groups: [[IngestBatch]] = []
        var current: [IngestBatch] = []
        var records = 0
        for batch in batches {
            if !current.isEmpty && records + batch.records.count > groupRecords {
                groups.append(current)
                current = []
                records = 0
            }
            current.append(batch)
            records += batch.records.count
        }
        if !current.isEmpty { groups.append(current) }
        let cpuStart = processCPUSeconds()
        let start = ContinuousClock.now
        for group in groups {
            for result in await store.ingest(contentsOf: group) {
                guard case .success(.stored) = result else {
                    throw StorageError.database.with(message: "raw insert failed: \(result)")
                }
            }
        }
        let seconds = Nanoseconds.seconds(ContinuousClock.now - start)
        let counts = try await store.recordCounts()
        guard counts == workload.expectedCounts else {
            throw StorageError.database.with(message: "raw store holds \(counts), expected \(workload.expectedCounts)")
        }
        return Outcome(seconds: seconds, cpuSeconds: processCPUSeconds() - cpuStart)
    }

    /// CPU time of this process (all threads).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

import FleetModel
public import Storage

/// Raw insert throughput of the SQLite backend, for the load benchmark.
public enum SQLiteInsertRate {
    /// The outcome of one measurement.
    public struct Measurement: Sendable, Hashable {
        /// Conn records inserted.
        public var records: Int
        /// Records per batch (one transaction each).
        public var batchSize: Int
        /// Wall time spent in `ingest` calls, in seconds.
        public var seconds: Double
        /// `records / seconds`.
        public var recordsPerSecond: Double
    }

    /// Inserts `records` synthetic conn records into a fresh or existing database at `path`, through
    /// ``SQLiteFlowStore/ingest(_:)`` in batches of `batchSize` (the real path: sequence check,
    /// counters, one transaction per batch), and times only the ingest calls.
    ///
    /// Records are built before timing starts; each has a distinct uid, IPv4 endpoints spread over
    /// a /16 and increasing timestamps. Uses a wall clock: for benchmarks, not tests.
    /// - Parameters:
    ///   - path: database file (created and migrated if needed).
    ///   - records: how many conn records to insert (> 0).
    ///   - batchSize: records per batch (> 0).
    ///   - agent: the agent the batches come from; use a new one per run on a reused file.
    /// - Throws: ``StorageError`` from the store.
    public static func measureConnInserts(
        path: String, records: Int, batchSize: Int, agent: AgentID = "bench-agent"
    ) async throws -> Measurement {
        precondition(records > 0 && batchSize > 0, "records and batchSize must be positive")
        let store = try SQLiteFlowStore(path: path)
        try await store.migrate()
        let firstSequence = try await store.lastCommittedSequence(for: agent) + 1
        var batches: [IngestBatch] = []
        var made = 0
        while made < records {
            var batch = RecordBatch()
            let count = min(batchSize, records - made)
            batch.conns.reserveCapacity(count)
            for index in made..<(made + count) {
                batch.conns.append(syntheticConn(index))
            }
            made += count
            batches.append(IngestBatch(
                agent: agent, sequence: firstSequence + UInt64(batches.count),
                receivedAt: NetworkTime(seconds: 1_700_000_000 + Int64(batches.count), microseconds: 0),
                records: batch
            ))
        }
        let clock = ContinuousClock()
        let start = clock.now
        for batch in batches {
            _ = try await store.ingest(batch)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Measurement(
            records: records, batchSize: batchSize, seconds: seconds,
            recordsPerSecond: seconds > 0 ? Double(records) / seconds : 0
        )
    }

    private static func syntheticConn(_ index: Int) -> ConnRecord {
        let value = UInt32(truncatingIfNeeded: index)
        return ConnRecord(
            ts: NetworkTime(microseconds: 1_700_000_000_000_000 + Int64(index) * 1_000),
            uid: "CB\(index)", id: ConnID(
                originatorHost: .v4(0x0A00_0000 | (value & 0xFFFF)), originatorPort: UInt16(truncatingIfNeeded: 40_000 + index % 20_000),
                responderHost: .v4(0xC0A8_0000 | (value % 251)), responderPort: 443
            ),
            proto: .tcp, service: ["ssl"], duration: NetworkDuration(microseconds: Int64(index % 5_000_000)),
            originatorBytes: 517, responderBytes: 4_096, connState: .SF, localOriginator: true, localResponder: false,
            history: "ShADadFf", originatorPackets: 9, originatorIPBytes: 1_000, responderPackets: 8,
            responderIPBytes: 5_000, ipProto: 6
        )
    }
}

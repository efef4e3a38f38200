public import FleetModel
import PostgresNIO
import Storage

extension PostgresFlowStore {
    /// Retention: drops every day partition that lies wholly before `time` and deletes the older
    /// rows of the partition holding `time` (agents and sequences are kept).
    @discardableResult
    public func deleteOlderThan(_ time: NetworkTime) async throws -> Int {
        try await retention(before: time.microseconds, chunk: nil)
    }

    /// Retention in small steps: drops the whole partitions before `time` (cheap at any size) and
    /// deletes at most `chunkSize` older rows from each boundary partition, in one short
    /// transaction. Call repeatedly until it returns 0.
    /// - Returns: how many records were deleted.
    public func deleteOlderThan(_ time: NetworkTime, chunkSize: Int) async throws -> Int {
        try await retention(before: time.microseconds, chunk: max(1, chunkSize))
    }

    /// Rows per record table (`conn`, `dns`, `http`, `ssl`, `weird`).
    public func recordCounts() async throws -> [String: Int] {
        try await wrap {
            var counts: [String: Int] = [:]
            for table in PostgresSchema.recordTables {
                let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger)
                for try await count in rows.decode(Int64.self) { counts[table] = Int(count) }
            }
            return counts
        }
    }

    /// Refreshes the planner's statistics of the record tables (`ANALYZE`).
    public func analyze() async throws {
        try await wrap {
            for table in PostgresSchema.recordTables {
                try await client.query(PostgresQuery(unsafeSQL: "ANALYZE \(table)"), logger: logger)
            }
        }
    }

    /// The day partitions of `table`, as (name, day).
    func partitionDays(of table: String, on connection: PostgresConnection) async throws -> [(String, Int64)] {
        var binds = PostgresBindings()
        binds.append(table)
        let rows = try await connection.statement(PostgresQuery(unsafeSQL: """
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = $1::text::regclass
            """, binds: binds), logger: logger)
        var result: [(String, Int64)] = []
        for try await name in rows.decode(String.self) {
            if let day = PostgresPartitions.day(fromName: name, table: table) { result.append((name, day)) }
        }
        return result.sorted { $0.1 < $1.1 }
    }

    private func retention(before cutoff: Int64, chunk: Int?) async throws -> Int {
        let day = PostgresPartitions.dayMicroseconds
        return try await wrap {
            var dropped: Set<Int64> = []
            let deleted = try await transaction { connection in
                try await connection.statement("SELECT pg_advisory_xact_lock(\(PostgresPartitions.ddlLock))", logger: logger)
                var deleted = 0
                for table in PostgresSchema.recordTables {
                    for (name, start) in try await partitionDays(of: table, on: connection) {
                        if (start + 1) * day <= cutoff {
                            deleted += try await count("SELECT count(*) FROM \(name)", on: connection)
                            try await connection.statement(PostgresQuery(unsafeSQL: "DROP TABLE \(name)"), logger: logger)
                            dropped.insert(start)
                        } else if start * day < cutoff {
                            let filter = chunk.map { "ctid IN (SELECT ctid FROM \(name) WHERE ts < \(cutoff) LIMIT \($0))" }
                                ?? "ts < \(cutoff)"
                            deleted += try await count(
                                "WITH gone AS (DELETE FROM \(name) WHERE \(filter) RETURNING 1) SELECT count(*) FROM gone",
                                on: connection)
                        }
                    }
                }
                return deleted
            }
            partitions.forget(dropped)
            return deleted
        }
    }

    private func count(_ sql: String, on connection: PostgresConnection) async throws -> Int {
        var total = 0
        for try await value in try await connection.statement(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self) {
            total += Int(value)
        }
        return total
    }
}

import Logging
import PostgresNIO
import Storage
import Synchronization

/// Day partitions of the record tables: `conn_d20000` holds the conns with `ts` in day 20000 since
/// the epoch (UTC), `[20000 * 86_400 s, 20001 * 86_400 s)` in microseconds. Negative days are
/// named `_dm5`. Partitions are created on demand before a batch's transaction, under an advisory
/// lock so aggregators never race to create the same one; the days known to exist are cached.
final class PostgresPartitions: Sendable {
    /// Microseconds in a partition.
    static let dayMicroseconds: Int64 = 86_400_000_000
    /// Advisory lock key serializing partition DDL across aggregators.
    static let ddlLock: Int64 = 0x466C_6565_7401
    /// Advisory lock key serializing migrations across aggregators.
    static let migrationLock: Int64 = 0x466C_6565_7402

    private let known = Mutex<Set<Int64>>([])

    /// The day holding `microseconds` (floor division).
    static func day(_ microseconds: Int64) -> Int64 {
        let quotient = microseconds / dayMicroseconds
        return microseconds % dayMicroseconds < 0 ? quotient - 1 : quotient
    }

    /// The partition of `table` for `day`.
    static func name(_ table: String, day: Int64) -> String {
        day < 0 ? "\(table)_dm\(day.magnitude)" : "\(table)_d\(day)"
    }

    /// The day a partition name stands for, or nil for a table that is not one of ours.
    static func day(fromName name: String, table: String) -> Int64? {
        let prefix = table + "_d"
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        if rest.hasPrefix("m") { return Int64(rest.dropFirst()).map { -$0 } }
        return Int64(rest)
    }

    /// Forgets every cached day (after a "no partition" error or a drop).
    func forget(_ days: Set<Int64>? = nil) {
        known.withLock { known in
            if let days { known.subtract(days) } else { known.removeAll() }
        }
    }

    /// Creates the partitions of every record table for `days` that are not known to exist.
    func ensure(days: Set<Int64>, store: PostgresFlowStore) async throws {
        let missing = known.withLock { days.subtracting($0) }
        guard !missing.isEmpty else { return }
        try await store.transaction { connection in
            try await connection.statement("SELECT pg_advisory_xact_lock(\(Self.ddlLock))", logger: store.logger)
            for day in missing.sorted() {
                for table in PostgresSchema.recordTables {
                    let low = day * Self.dayMicroseconds
                    let high = low + Self.dayMicroseconds
                    let sql = "CREATE TABLE IF NOT EXISTS \(Self.name(table, day: day)) PARTITION OF \(table) "
                        + "FOR VALUES FROM (\(low)) TO (\(high))"
                    try await connection.statement(PostgresQuery(unsafeSQL: sql), logger: store.logger)
                }
            }
        }
        known.withLock { $0.formUnion(missing) }
    }
}

import GRDB
import Storage

extension SQLiteFlowStore {
    /// Rows per record table (`conn`, `dns`, `http`, `ssl`, `weird`): the load benchmark checks that
    /// what was acknowledged is what is stored.
    public func recordCounts() async throws -> [String: Int] {
        do {
            return try await pool.read { db in
                var counts: [String: Int] = [:]
                for table in ["conn", "dns", "http", "ssl", "weird"] {
                    counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
                }
                return counts
            }
        } catch {
            throw StorageError.database.with(message: String(describing: error))
        }
    }
}

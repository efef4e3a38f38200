public import FleetModel
import GRDB
import Storage

extension SQLiteFlowStore {
    /// Retention in small steps: deletes at most `chunkSize` records older than `time` from each
    /// record table, in one short write transaction, so ingest waits at most for one chunk.
    /// Call repeatedly until it returns 0.
    /// - Returns: how many records were deleted.
    /// - Throws: ``StorageError/database``.
    public func deleteOlderThan(_ time: NetworkTime, chunkSize: Int) async throws -> Int {
        let chunk = max(1, chunkSize)
        do {
            return try await pool.write { db in
                var deleted = 0
                for table in ["conn", "dns", "http", "ssl", "weird"] {
                    try db.cachedStatement(sql: """
                        DELETE FROM \(table) WHERE id IN (SELECT id FROM \(table) WHERE ts < ? ORDER BY ts LIMIT ?)
                        """).execute(arguments: [time.microseconds, chunk])
                    deleted += db.changesCount
                }
                return deleted
            }
        } catch {
            throw StorageError.database.with(message: String(describing: error))
        }
    }

    /// Refreshes the query planner's statistics (`PRAGMA optimize`); cheap when nothing changed.
    /// - Throws: ``StorageError/database``.
    public func optimize() async throws {
        do {
            try await pool.write { db in try db.execute(sql: "PRAGMA optimize") }
        } catch {
            throw StorageError.database.with(message: String(describing: error))
        }
    }

    /// Runs `ANALYZE` (full statistics; after a bulk load).
    /// - Throws: ``StorageError/database``.
    public func analyze() async throws {
        do {
            try await pool.write { db in try db.execute(sql: "ANALYZE") }
        } catch {
            throw StorageError.database.with(message: String(describing: error))
        }
    }
}

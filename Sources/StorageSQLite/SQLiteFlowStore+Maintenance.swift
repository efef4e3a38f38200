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

    /// A bulk load (benchmarks, imports): drops the record tables' secondary indexes, runs `body`
    /// (which ingests through the normal path), then creates the same indexes again from their
    /// stored definitions, also when `body` throws. The result has the schema of a normal store;
    /// building an index once is far cheaper than maintaining it row by row in random key order.
    /// Unique indexes stay (ingest's supersede-by-uid needs them).
    /// - Throws: ``StorageError/database``, or what `body` throws.
    package func withSecondaryIndexesDeferred<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let definitions: [String]
        do {
            definitions = try await pool.write { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT name, sql FROM sqlite_master
                    WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
                      AND tbl_name IN ('conn', 'dns', 'http', 'ssl', 'weird')
                    """)
                var definitions: [String] = []
                for row in rows {
                    let name: String = try row.decode(String.self, forColumn: "name")
                    definitions.append(try row.decode(String.self, forColumn: "sql"))
                    try db.execute(sql: "DROP INDEX \(name)")
                }
                return definitions
            }
        } catch {
            throw StorageError.database.with(message: String(describing: error))
        }
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
        do {
            try await pool.write { db in
                for definition in definitions { try db.execute(sql: definition) }
            }
        } catch {
            throw StorageError.database.with(message: String(describing: error))
        }
        return try outcome.get()
    }
}

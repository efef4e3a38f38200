import Foundation
import Logging
import PostgresNIO
import Storage

/// One secondary index as PostgreSQL describes it (`pg_get_indexdef`).
package struct PostgresIndexDefinition: Sendable, Hashable {
    /// The index name.
    package var name: String
    /// Its `CREATE INDEX` statement.
    package var definition: String
}

extension PostgresFlowStore {
    /// Runs `body` (a bulk load) with the record tables' secondary indexes dropped, then builds
    /// them again from their own definitions, so the store ends with exactly the schema it had.
    ///
    /// Only indexes that back no constraint are deferred: the `UNIQUE` keys the ingest relies on
    /// stay. The indexes are rebuilt even when `body` throws (then `body`'s error is thrown). Meant
    /// for loading a store nobody else writes to or queries meanwhile (benchmarks, imports): the
    /// other aggregators' queries would be slow until the rebuild.
    public func withSecondaryIndexesDeferred<Value>(_ body: () async throws -> Value) async throws -> Value {
        let indexes = try await secondaryIndexes(of: PostgresSchema.recordTables)
        try await wrap {
            try await transaction { connection in
                for index in indexes {
                    try await connection.statement(PostgresQuery(unsafeSQL: "DROP INDEX \"\(index.name)\""), logger: logger)
                }
            }
        }
        let value: Value
        do {
            value = try await body()
        } catch {
            try? await createIndexes(indexes)
            throw error
        }
        try await createIndexes(indexes)
        return value
    }

    /// The secondary indexes (those backing no constraint) of `tables` in the store's schema, by name.
    package func secondaryIndexes(of tables: [String]) async throws -> [PostgresIndexDefinition] {
        try await wrap {
            var binds = PostgresBindings()
            binds.append(tables)
            let rows = try await client.query(PostgresQuery(unsafeSQL: """
                SELECT ic.relname::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                JOIN pg_class ic ON ic.oid = i.indexrelid
                JOIN pg_class t ON t.oid = i.indrelid
                WHERE t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
                  AND t.relname = ANY($1::text[])
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                ORDER BY 1
                """, binds: binds), logger: logger)
            var result: [PostgresIndexDefinition] = []
            for try await (name, definition) in rows.decode((String, String).self) {
                result.append(PostgresIndexDefinition(name: name, definition: definition))
            }
            return result
        }
    }

    /// Creates `indexes` in one transaction (a partitioned table's index is built on each partition).
    private func createIndexes(_ indexes: [PostgresIndexDefinition]) async throws {
        guard !indexes.isEmpty else { return }
        try await wrap {
            try await transaction { connection in
                try await connection.statement("SET LOCAL maintenance_work_mem = '256MB'", logger: logger)
                for index in indexes {
                    // A partitioned table's index reads `ON ONLY parent`: without ONLY it is built on every partition.
                    let sql = index.definition.replacingFirst(" ON ONLY ", with: " ON ")
                    try await connection.statement(PostgresQuery(unsafeSQL: sql), logger: logger)
                }
            }
        }
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

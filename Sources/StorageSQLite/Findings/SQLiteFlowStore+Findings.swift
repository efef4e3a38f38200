public import FleetModel
import GRDB
public import Storage

extension SQLiteFlowStore: FindingStore {
    /// Inserts new findings and merges the others into the stored ones (``Finding/merge(_:)``), all in
    /// one write transaction: concurrent writers (several aggregators on one file) serialize on it, so
    /// none of them loses another's update. Findings repeated within `findings` are merged in order.
    public func upsertFindings(_ findings: [Finding]) async throws {
        guard !findings.isEmpty else { return }
        try await wrap {
            try await pool.write { db in
                let select = try db.cachedStatement(sql: FindingRow.selectByIDSQL)
                let upsert = try db.cachedStatement(sql: FindingRow.upsertSQL)
                for finding in findings {
                    var merged = finding
                    if let json = try String.fetchOne(select, arguments: [finding.id]) {
                        merged = try FindingRow.decode(json)
                        guard merged.merge(finding) else { continue }
                    }
                    try upsert.execute(arguments: FindingRow.arguments(merged))
                }
            }
        }
    }

    public func findings(_ query: FindingQuery) async throws -> [Finding] {
        try query.validate()
        return try await wrap {
            try await pool.read { db in
                guard let host = query.host else {
                    let (sql, arguments) = FindingRow.select(query, limit: query.limit)
                    return try String.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
                        .map { json throws(StorageError) in try FindingRow.decode(json) }
                }
                // The host filter also looks at indicator addresses inside the JSON: filter decoded
                // findings in result order until the limit is reached.
                let (sql, arguments) = FindingRow.select(query, limit: nil)
                var result: [Finding] = []
                let cursor = try String.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
                while result.count < query.limit, let json = try cursor.next() {
                    let finding = try FindingRow.decode(json)
                    let addresses = (finding.host.map { [$0] } ?? []) + finding.indicators.addresses
                    if addresses.contains(where: { host.contains($0) }) { result.append(finding) }
                }
                return result
            }
        }
    }
}

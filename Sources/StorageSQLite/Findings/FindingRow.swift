import FleetModel
import Foundation
import GRDB
import Storage

/// One row of the `findings` table: the finding as JSON plus the queryable copies of its fields.
struct FindingRow: Sendable {
    static let databaseTableName = "findings"

    static let selectByIDSQL = "SELECT finding FROM findings WHERE id = ?"

    static let upsertSQL = """
        INSERT INTO findings (id, detector, severity_rank, score, agent_id, host, first_seen, last_seen, revision, finding)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
            detector = excluded.detector, severity_rank = excluded.severity_rank, score = excluded.score,
            agent_id = excluded.agent_id, host = excluded.host, first_seen = excluded.first_seen,
            last_seen = excluded.last_seen, revision = excluded.revision, finding = excluded.finding
        """

    /// The statement arguments of ``upsertSQL`` for `finding`.
    /// - Throws: ``StorageError/database`` when the finding cannot be encoded (a non-finite score).
    static func arguments(_ finding: Finding) throws(StorageError) -> StatementArguments {
        let json: String
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            json = String(decoding: try encoder.encode(finding), as: UTF8.self)
        } catch {
            throw StorageError.database.with(message: "finding \(finding.id) cannot be encoded: \(error)")
        }
        return [
            finding.id, finding.detector, finding.severity.rank, finding.score, finding.agentID,
            finding.host.map(AddressBlob.encode), finding.firstSeen.microseconds, finding.lastSeen.microseconds,
            finding.revision, json,
        ]
    }

    /// Decodes the `finding` JSON column.
    /// - Throws: ``StorageError/corruptData`` when the text is not a finding.
    static func decode(_ json: String) throws(StorageError) -> Finding {
        do {
            return try JSONDecoder().decode(Finding.self, from: Data(json.utf8))
        } catch {
            throw StorageError.corruptData.with(message: "stored finding is not decodable: \(error)")
        }
    }

    /// The SELECT for `query` (without the host filter, which is applied to the decoded findings) and its arguments.
    /// Order: most severe first, then most recently seen, then id (``FindingQuery/precedes(_:_:)``).
    static func select(_ query: FindingQuery, limit: Int?) -> (sql: String, arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let since = query.since {
            conditions.append("last_seen >= ?")
            arguments += [since.microseconds]
        }
        if let until = query.until {
            conditions.append("first_seen < ?")
            arguments += [until.microseconds]
        }
        if let agent = query.agent {
            conditions.append("agent_id = ?")
            arguments += [agent.rawValue]
        }
        if let severity = query.minimumSeverity {
            conditions.append("severity_rank >= ?")
            arguments += [severity.rank]
        }
        if let detector = query.detector {
            conditions.append("detector = ?")
            arguments += [detector]
        }
        var sql = "SELECT finding FROM findings"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY severity_rank DESC, last_seen DESC, id ASC"
        if let limit {
            sql += " LIMIT ?"
            arguments += [limit]
        }
        return (sql, arguments)
    }
}

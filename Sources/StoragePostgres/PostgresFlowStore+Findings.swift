public import FleetModel
import Foundation
import PostgresNIO
public import Storage

extension PostgresFlowStore {
    /// Inserts new findings and merges the others into the stored ones (``Finding/merge(_:)``), in
    /// one transaction. Each stored finding is locked (`FOR UPDATE`, in id order) before it is
    /// merged, so aggregators sharing the database never lose each other's updates and one
    /// incident stays one finding. Findings repeated within `findings` are merged in order.
    public func upsertFindings(_ findings: [Finding]) async throws {
        guard !findings.isEmpty else { return }
        let ordered = findings.enumerated().sorted { ($0.element.id, $0.offset) < ($1.element.id, $1.offset) }.map(\.element)
        try await wrap {
            try await transaction { connection in
                for finding in ordered {
                    let inserted = try await connection.statement(
                        try Self.findingUpsert(finding, update: false), logger: logger)
                    var wasInserted = false
                    for try await _ in inserted { wasInserted = true }
                    if wasInserted { continue }
                    var stored: Finding?
                    let rows = try await connection.statement(
                        "SELECT finding FROM findings WHERE id = \(finding.id) FOR UPDATE", logger: logger)
                    for try await json in rows.decode(String.self) { stored = try Self.decodeFinding(json) }
                    guard var merged = stored else {
                        throw StorageError.database.with(message: "finding \(finding.id) vanished while merging")
                    }
                    guard merged.merge(finding) else { continue }
                    for try await _ in try await connection.statement(try Self.findingUpsert(merged, update: true), logger: logger) {}
                }
            }
        }
    }

    public func findings(_ query: FindingQuery) async throws -> [Finding] {
        try query.validate()
        var conditions: [String] = []
        var binds = PostgresBindings()
        if let since = query.since {
            binds.append(since.microseconds)
            conditions.append("last_seen >= $\(binds.count)::bigint")
        }
        if let until = query.until {
            binds.append(until.microseconds)
            conditions.append("first_seen < $\(binds.count)::bigint")
        }
        if let agent = query.agent {
            binds.append(agent.rawValue)
            conditions.append("agent_id = $\(binds.count)::text")
        }
        if let severity = query.minimumSeverity {
            binds.append(Int64(severity.rank))
            conditions.append("severity_rank >= $\(binds.count)::integer")
        }
        if let detector = query.detector {
            binds.append(detector)
            conditions.append("detector = $\(binds.count)::text")
        }
        var sql = "SELECT finding FROM findings"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY severity_rank DESC, last_seen DESC, id ASC"
        if query.host == nil {
            binds.append(Int64(query.limit))
            sql += " LIMIT $\(binds.count)::bigint"
        }
        let statement = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await wrap {
            // The host filter also looks at indicator addresses inside the JSON: filter decoded
            // findings in result order until the limit is reached.
            var result: [Finding] = []
            for try await json in try await client.query(statement, logger: logger).decode(String.self) {
                let finding = try Self.decodeFinding(json)
                if let host = query.host {
                    let addresses = (finding.host.map { [$0] } ?? []) + finding.indicators.addresses
                    guard addresses.contains(where: { host.contains($0) }) else { continue }
                }
                result.append(finding)
                if result.count >= query.limit { break }
            }
            return result
        }
    }

    /// INSERT ... ON CONFLICT DO NOTHING RETURNING id (`update` false), or the UPDATE of a merged finding.
    private static func findingUpsert(_ finding: Finding, update: Bool) throws(StorageError) -> PostgresQuery {
        let json: String
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            json = String(decoding: try encoder.encode(finding), as: UTF8.self)
        } catch {
            throw StorageError.database.with(message: "finding \(finding.id) cannot be encoded: \(error)")
        }
        var binds = PostgresBindings()
        binds.append(finding.id)
        binds.append(finding.detector)
        binds.append(Int64(finding.severity.rank))
        binds.append(finding.score)
        binds.append(finding.agentID)
        binds.append(finding.host?.description)
        binds.append(finding.firstSeen.microseconds)
        binds.append(finding.lastSeen.microseconds)
        binds.append(Int64(finding.revision))
        binds.append(json)
        let sql = update
            ? """
            UPDATE findings SET detector = $2::text, severity_rank = $3::integer, score = $4::double precision,
                agent_id = $5::text, host = $6::inet, first_seen = $7::bigint, last_seen = $8::bigint,
                revision = $9::bigint, finding = $10::text
            WHERE id = $1::text
            """
            : """
            INSERT INTO findings (id, detector, severity_rank, score, agent_id, host, first_seen, last_seen, revision, finding)
            VALUES ($1::text, $2::text, $3::integer, $4::double precision, $5::text, $6::inet, $7::bigint, $8::bigint,
                $9::bigint, $10::text)
            ON CONFLICT (id) DO NOTHING RETURNING id
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    private static func decodeFinding(_ json: String) throws(StorageError) -> Finding {
        do {
            return try JSONDecoder().decode(Finding.self, from: Data(json.utf8))
        } catch {
            throw StorageError.corruptData.with(message: "stored finding is not decodable: \(error)")
        }
    }
}

import FleetModel
import PostgresNIO
import Storage

/// The `ssl` table.
enum SSLTable: PostgresRecordTable {
    static let table = "ssl"

    static let columns: [(name: String, cast: String)] =
        [("agent_id", "::text"), ("ts", "::bigint"), ("uid", "::text")] + PGValue.endpointColumns + [
            ("version", "::text"), ("cipher", "::text"), ("curve", "::text"), ("server_name", "::text"),
            ("resumed", "::boolean"), ("last_alert", "::text"), ("next_protocol", "::text"),
            ("established", "::boolean"), ("ssl_history", "::text"),
        ]

    static func append(_ record: SSLRecord, agent: AgentID, to binds: inout PostgresBindings) {
        binds.append(agent.rawValue)
        binds.append(record.ts.microseconds)
        binds.append(record.uid)
        PGValue.appendEndpoints(record.id, to: &binds)
        binds.append(record.version)
        binds.append(record.cipher)
        binds.append(record.curve)
        binds.append(record.serverName)
        binds.append(record.resumed)
        binds.append(record.lastAlert)
        binds.append(record.nextProtocol)
        binds.append(record.established)
        binds.append(record.sslHistory)
    }

    static func decode(_ reader: inout ColumnReader) throws(StorageError) -> StoredRecord<SSLRecord> {
        let agent = AgentID(try reader.next(String.self))
        let ts = try reader.time()
        let uid: String = try reader.next()
        let id = try reader.connID()
        let record = SSLRecord(
            ts: ts, uid: uid, id: id, version: try reader.next(), cipher: try reader.next(),
            curve: try reader.next(), serverName: try reader.next(), resumed: try reader.next(),
            lastAlert: try reader.next(), nextProtocol: try reader.next(), established: try reader.next(),
            sslHistory: try reader.next()
        )
        return StoredRecord(agent: agent, record: record)
    }
}

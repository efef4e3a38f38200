import FleetModel
import PostgresNIO
import Storage

/// The `weird` table. The endpoint columns are all NULL or all set (a CHECK says so).
enum WeirdTable: PostgresRecordTable {
    static let table = "weird"

    static let columns: [(name: String, cast: String)] =
        [("agent_id", "::text"), ("ts", "::bigint"), ("uid", "::text")] + PGValue.endpointColumns + [
            ("name", "::text"), ("addl", "::text"), ("notice", "::boolean"), ("peer", "::text"), ("source", "::text"),
        ]

    static func append(_ record: WeirdRecord, agent: AgentID, to binds: inout PostgresBindings) {
        binds.append(agent.rawValue)
        binds.append(record.ts.microseconds)
        binds.append(record.uid)
        if let id = record.id {
            PGValue.appendEndpoints(id, to: &binds)
        } else {
            for _ in 0..<4 { binds.appendNull() }
        }
        binds.append(record.name)
        binds.append(record.addl)
        binds.append(record.notice)
        binds.append(record.peer)
        binds.append(record.source)
    }

    static func decode(_ reader: inout ColumnReader) throws(StorageError) -> StoredRecord<WeirdRecord> {
        let agent = AgentID(try reader.next(String.self))
        let ts = try reader.time()
        let uid: String? = try reader.next()
        let origin = try reader.optionalAddress()
        let originPort = try reader.optionalExact(UInt16.self)
        let responder = try reader.optionalAddress()
        let responderPort = try reader.optionalExact(UInt16.self)
        var id: ConnID?
        if let origin, let originPort, let responder, let responderPort {
            id = ConnID(originatorHost: origin, originatorPort: originPort, responderHost: responder, responderPort: responderPort)
        } else if origin != nil || originPort != nil || responder != nil || responderPort != nil {
            throw StorageError.corruptData.with(message: "weird with partial endpoints")
        }
        let record = WeirdRecord(
            ts: ts, uid: uid, id: id, name: try reader.next(), addl: try reader.next(), notice: try reader.next(),
            peer: try reader.next(), source: try reader.next()
        )
        return StoredRecord(agent: agent, record: record)
    }
}

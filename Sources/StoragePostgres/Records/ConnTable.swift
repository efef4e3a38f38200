import FleetModel
import PostgresNIO
import Storage

/// The `conn` table: the latest version of each (agent, uid, ts) conn.
enum ConnTable: PostgresRecordTable {
    static let table = "conn"

    static let columns: [(name: String, cast: String)] =
        [("agent_id", "::text"), ("ts", "::bigint"), ("uid", "::text")] + PGValue.endpointColumns + [
            ("proto", "::text"), ("service", "::text[]"), ("duration", "::bigint"), ("orig_bytes", "::bigint"),
            ("resp_bytes", "::bigint"), ("conn_state", "::text"), ("local_orig", "::boolean"),
            ("local_resp", "::boolean"), ("missed_bytes", "::bigint"), ("history", "::text"),
            ("orig_pkts", "::bigint"), ("orig_ip_bytes", "::bigint"), ("resp_pkts", "::bigint"),
            ("resp_ip_bytes", "::bigint"), ("tunnel_parents", "::text[]"), ("ip_proto", "::smallint"),
            ("interim", "::boolean"), ("vlan", "::integer"), ("inner_vlan", "::integer"),
        ]

    /// Insert or supersede: a later record of the same (agent, uid, ts) replaces the stored one,
    /// unless the stored one is final and the new one interim. The row keeps its id (ingest order).
    static func upsertSQL(rows: Int) -> String {
        let updates = columns.map(\.name).filter { !["agent_id", "uid", "ts"].contains($0) }
            .map { "\($0) = excluded.\($0)" }
        return insertSQL(rows: rows) + " ON CONFLICT (agent_id, uid, ts) DO UPDATE SET "
            + updates.joined(separator: ", ") + " WHERE conn.interim OR NOT excluded.interim"
    }

    /// One statement cannot touch a row twice: keep, per (uid, ts), the record the upsert rule
    /// would leave (the last one, unless it is interim after a final one), in first-seen order.
    static func collapse(_ conns: [ConnRecord]) -> [ConnRecord] {
        struct Key: Hashable {
            var uid: String
            var ts: NetworkTime
        }
        var positions: [Key: Int] = [:]
        var result: [ConnRecord] = []
        result.reserveCapacity(conns.count)
        for conn in conns {
            let key = Key(uid: conn.uid, ts: conn.ts)
            if let position = positions[key] {
                if result[position].interim || !conn.interim { result[position] = conn }
            } else {
                positions[key] = result.count
                result.append(conn)
            }
        }
        return result
    }

    static func append(_ record: ConnRecord, agent: AgentID, to binds: inout PostgresBindings) {
        binds.append(agent.rawValue)
        binds.append(record.ts.microseconds)
        binds.append(record.uid)
        PGValue.appendEndpoints(record.id, to: &binds)
        binds.append(record.proto.rawValue)
        binds.append(record.service)
        binds.append(record.duration?.microseconds)
        binds.append(PGValue.optionalCounter(record.originatorBytes))
        binds.append(PGValue.optionalCounter(record.responderBytes))
        binds.append(record.connState.rawValue)
        binds.append(record.localOriginator)
        binds.append(record.localResponder)
        binds.append(PGValue.counter(record.missedBytes))
        binds.append(record.history)
        binds.append(PGValue.counter(record.originatorPackets))
        binds.append(PGValue.counter(record.originatorIPBytes))
        binds.append(PGValue.counter(record.responderPackets))
        binds.append(PGValue.counter(record.responderIPBytes))
        binds.append(record.tunnelParents)
        binds.append(Int64(record.ipProto))
        binds.append(record.interim)
        binds.append(PGValue.integer(record.vlan))
        binds.append(PGValue.integer(record.innerVLAN))
    }

    static func decode(_ reader: inout ColumnReader) throws(StorageError) -> StoredRecord<ConnRecord> {
        let agent = AgentID(try reader.next(String.self))
        let ts = try reader.time()
        let uid: String = try reader.next()
        let id = try reader.connID()
        let proto = try reader.transport()
        let service: [String] = try reader.next()
        let duration = try reader.optionalDuration()
        let originatorBytes = try reader.optionalCounter()
        let responderBytes = try reader.optionalCounter()
        let stateText: String = try reader.next()
        guard let state = ConnState(rawValue: stateText) else {
            throw StorageError.corruptData.with(message: "conn_state = \(stateText)")
        }
        let record = ConnRecord(
            ts: ts, uid: uid, id: id, proto: proto, service: service, duration: duration,
            originatorBytes: originatorBytes, responderBytes: responderBytes, connState: state,
            localOriginator: try reader.next(), localResponder: try reader.next(),
            missedBytes: try reader.counter(), history: try reader.next(), originatorPackets: try reader.counter(),
            originatorIPBytes: try reader.counter(), responderPackets: try reader.counter(),
            responderIPBytes: try reader.counter(), tunnelParents: try reader.next(),
            ipProto: try reader.exact(UInt8.self), interim: try reader.next(),
            vlan: try reader.optionalExact(UInt16.self), innerVLAN: try reader.optionalExact(UInt16.self)
        )
        return StoredRecord(agent: agent, record: record)
    }
}

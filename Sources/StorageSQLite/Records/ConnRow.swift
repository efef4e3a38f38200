import FleetModel
import GRDB
import Storage

/// One row of the `conn` table: a conn record, the latest version for its (agent, uid).
struct ConnRow: RecordRow {
    static let databaseTableName = "conn"

    static let insertColumns = [
        "agent_id", "ts", "uid", "orig_h", "orig_p", "resp_h", "resp_p", "proto", "service", "duration",
        "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes", "history",
        "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents", "ip_proto", "interim",
        "vlan", "inner_vlan",
    ]

    /// Insert or supersede: a later record of the same (agent, uid) replaces the stored one,
    /// unless the stored one is final and the new one interim. The row keeps its id (ingest order).
    static let upsertSQL: String = {
        let updates = insertColumns.dropFirst().filter { $0 != "uid" }.map { "\($0) = excluded.\($0)" }
        return insertSQL + " ON CONFLICT (agent_id, uid) DO UPDATE SET " + updates.joined(separator: ", ")
            + " WHERE conn.interim = 1 OR excluded.interim = 0"
    }()

    var agentID: AgentID
    var model: ConnRecord

    init(agentID: AgentID, model: ConnRecord) {
        self.agentID = agentID
        self.model = model
    }

    init(row: Row) throws {
        agentID = try row.agent("agent_id")
        let stateText = try row.text("conn_state")
        guard let state = ConnState(rawValue: stateText) else {
            throw StorageError.corruptData.with(message: "conn_state = \(stateText)")
        }
        model = ConnRecord(
            ts: try row.time("ts"), uid: try row.text("uid"), id: try row.connID(), proto: try row.transport("proto"),
            service: try row.strings("service"), duration: try row.optionalDuration("duration"),
            originatorBytes: try row.optionalCounter("orig_bytes"), responderBytes: try row.optionalCounter("resp_bytes"),
            connState: state, localOriginator: try row.optionalFlag("local_orig"),
            localResponder: try row.optionalFlag("local_resp"), missedBytes: try row.counter("missed_bytes"),
            history: try row.text("history"), originatorPackets: try row.counter("orig_pkts"),
            originatorIPBytes: try row.counter("orig_ip_bytes"), responderPackets: try row.counter("resp_pkts"),
            responderIPBytes: try row.counter("resp_ip_bytes"), tunnelParents: try row.strings("tunnel_parents"),
            ipProto: try row.exact(UInt8.self, "ip_proto"), interim: try row.flag("interim"),
            vlan: try row.optionalExact(UInt16.self, "vlan"), innerVLAN: try row.optionalExact(UInt16.self, "inner_vlan")
        )
    }

    func columnValues() -> [DatabaseValue] {
        let record = model
        return [
            SQLValue.bind(agentID.rawValue), SQLValue.bind(record.ts.microseconds), SQLValue.bind(record.uid),
            SQLValue.bind(AddressBlob.encode(record.id.originatorHost)),
            SQLValue.bind(Int64(record.id.originatorPort)),
            SQLValue.bind(AddressBlob.encode(record.id.responderHost)),
            SQLValue.bind(Int64(record.id.responderPort)), SQLValue.bind(record.proto.rawValue),
            SQLValue.bind(JSONArrayText.encode(record.service)), SQLValue.bind(record.duration?.microseconds),
            SQLValue.bind(SQLValue.optionalCounter(record.originatorBytes)),
            SQLValue.bind(SQLValue.optionalCounter(record.responderBytes)), SQLValue.bind(record.connState.rawValue),
            SQLValue.bind(SQLValue.flag(record.localOriginator)),
            SQLValue.bind(SQLValue.flag(record.localResponder)), SQLValue.bind(SQLValue.counter(record.missedBytes)),
            SQLValue.bind(record.history), SQLValue.bind(SQLValue.counter(record.originatorPackets)),
            SQLValue.bind(SQLValue.counter(record.originatorIPBytes)),
            SQLValue.bind(SQLValue.counter(record.responderPackets)),
            SQLValue.bind(SQLValue.counter(record.responderIPBytes)),
            SQLValue.bind(JSONArrayText.encode(record.tunnelParents)), SQLValue.bind(Int64(record.ipProto)),
            SQLValue.bind(Int64(record.interim ? 1 : 0)), SQLValue.bind(SQLValue.integer(record.vlan)),
            SQLValue.bind(SQLValue.integer(record.innerVLAN)),
        ]
    }
}

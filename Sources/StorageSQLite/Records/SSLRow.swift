import FleetModel
import GRDB
import Storage

/// One row of the `ssl` table.
struct SSLRow: RecordRow {
    static let databaseTableName = "ssl"

    static let insertColumns = [
        "agent_id", "ts", "uid", "orig_h", "orig_p", "resp_h", "resp_p", "version", "cipher", "curve",
        "server_name", "resumed", "last_alert", "next_protocol", "established", "ssl_history",
    ]

    var agentID: AgentID
    var model: SSLRecord

    init(agentID: AgentID, model: SSLRecord) {
        self.agentID = agentID
        self.model = model
    }

    init(row: Row) throws {
        agentID = try row.agent("agent_id")
        model = SSLRecord(
            ts: try row.time("ts"), uid: try row.text("uid"), id: try row.connID(),
            version: try row.optionalText("version"), cipher: try row.optionalText("cipher"),
            curve: try row.optionalText("curve"), serverName: try row.optionalText("server_name"),
            resumed: try row.flag("resumed"), lastAlert: try row.optionalText("last_alert"),
            nextProtocol: try row.optionalText("next_protocol"), established: try row.flag("established"),
            sslHistory: try row.optionalText("ssl_history")
        )
    }

    func columnValues() -> [DatabaseValue] {
        let record = model
        return [
            SQLValue.bind(agentID.rawValue), SQLValue.bind(record.ts.microseconds), SQLValue.bind(record.uid),
            SQLValue.bind(AddressBlob.encode(record.id.originatorHost)),
            SQLValue.bind(Int64(record.id.originatorPort)),
            SQLValue.bind(AddressBlob.encode(record.id.responderHost)),
            SQLValue.bind(Int64(record.id.responderPort)), SQLValue.bind(record.version),
            SQLValue.bind(record.cipher), SQLValue.bind(record.curve), SQLValue.bind(record.serverName),
            SQLValue.bind(SQLValue.flag(record.resumed)), SQLValue.bind(record.lastAlert),
            SQLValue.bind(record.nextProtocol), SQLValue.bind(SQLValue.flag(record.established)),
            SQLValue.bind(record.sslHistory),
        ]
    }
}

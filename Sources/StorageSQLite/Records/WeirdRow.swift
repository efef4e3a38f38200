import FleetModel
import Foundation
import GRDB
import Storage

/// One row of the `weird` table. The endpoint columns are all NULL or all set (a CHECK says so).
struct WeirdRow: RecordRow {
    static let databaseTableName = "weird"

    static let insertColumns = [
        "agent_id", "ts", "uid", "orig_h", "orig_p", "resp_h", "resp_p", "name", "addl", "notice", "peer", "source",
    ]

    var agentID: AgentID
    var model: WeirdRecord

    init(agentID: AgentID, model: WeirdRecord) {
        self.agentID = agentID
        self.model = model
    }

    init(row: Row) throws {
        agentID = try row.agent("agent_id")
        let hasEndpoints = try row.decode(Data?.self, forColumn: "orig_h") != nil
        model = WeirdRecord(
            ts: try row.time("ts"), uid: try row.optionalText("uid"), id: hasEndpoints ? try row.connID() : nil,
            name: try row.text("name"), addl: try row.optionalText("addl"), notice: try row.flag("notice"),
            peer: try row.text("peer"), source: try row.optionalText("source")
        )
    }

    func columnValues() -> [DatabaseValue] {
        let record = model
        let id = record.id
        return [
            SQLValue.bind(agentID.rawValue), SQLValue.bind(record.ts.microseconds), SQLValue.bind(record.uid),
            SQLValue.bind(id.map { AddressBlob.encode($0.originatorHost) }),
            SQLValue.bind(id.map { Int64($0.originatorPort) }),
            SQLValue.bind(id.map { AddressBlob.encode($0.responderHost) }),
            SQLValue.bind(id.map { Int64($0.responderPort) }), SQLValue.bind(record.name),
            SQLValue.bind(record.addl), SQLValue.bind(SQLValue.flag(record.notice)), SQLValue.bind(record.peer),
            SQLValue.bind(record.source),
        ]
    }
}

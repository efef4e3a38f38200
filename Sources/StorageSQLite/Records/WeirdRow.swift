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

    func columnValues() -> [(any DatabaseValueConvertible)?] {
        let record = model
        let id = record.id
        return [
            agentID.rawValue, record.ts.microseconds, record.uid, id.map { AddressBlob.encode($0.originatorHost) },
            id.map { Int64($0.originatorPort) }, id.map { AddressBlob.encode($0.responderHost) },
            id.map { Int64($0.responderPort) }, record.name, record.addl, SQLValue.flag(record.notice), record.peer,
            record.source,
        ]
    }
}

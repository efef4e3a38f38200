import FleetModel
import GRDB
import Storage

/// One row of the `dns` table. `query_rev` is ``DNSName/reversedKey(_:)`` of the query, indexed
/// so a domain-suffix filter is a range scan.
struct DNSRow: RecordRow {
    static let databaseTableName = "dns"

    static let insertColumns = [
        "agent_id", "ts", "uid", "orig_h", "orig_p", "resp_h", "resp_p", "proto", "trans_id", "rtt", "query",
        "query_rev", "qclass", "qtype", "rcode", "aa", "tc", "rd", "ra", "z", "answers", "ttls", "rejected", "opcode",
    ]

    var agentID: AgentID
    var model: DNSRecord

    init(agentID: AgentID, model: DNSRecord) {
        self.agentID = agentID
        self.model = model
    }

    init(row: Row) throws {
        agentID = try row.agent("agent_id")
        model = DNSRecord(
            ts: try row.time("ts"), uid: try row.text("uid"), id: try row.connID(), proto: try row.transport("proto"),
            transactionID: try row.optionalExact(UInt16.self, "trans_id"), rtt: try row.optionalDuration("rtt"),
            query: try row.optionalText("query"), qclass: try row.optionalExact(UInt16.self, "qclass"),
            qtype: try row.optionalExact(UInt16.self, "qtype"), rcode: try row.optionalExact(UInt16.self, "rcode"),
            authoritative: try row.flag("aa"), truncated: try row.flag("tc"), recursionDesired: try row.flag("rd"),
            recursionAvailable: try row.flag("ra"), z: try row.exact(UInt16.self, "z"),
            answers: try row.strings("answers"), ttls: try JSONArrayText.decodeNumbers(row.text("ttls")),
            rejected: try row.flag("rejected"), opcode: try row.optionalExact(UInt16.self, "opcode")
        )
    }

    func columnValues() -> [(any DatabaseValueConvertible)?] {
        let record = model
        return [
            agentID.rawValue, record.ts.microseconds, record.uid, AddressBlob.encode(record.id.originatorHost),
            Int64(record.id.originatorPort), AddressBlob.encode(record.id.responderHost),
            Int64(record.id.responderPort), record.proto.rawValue, SQLValue.integer(record.transactionID),
            record.rtt?.microseconds, record.query, record.query.map { DNSName.reversedKey($0) },
            SQLValue.integer(record.qclass), SQLValue.integer(record.qtype), SQLValue.integer(record.rcode),
            SQLValue.flag(record.authoritative), SQLValue.flag(record.truncated),
            SQLValue.flag(record.recursionDesired), SQLValue.flag(record.recursionAvailable), Int64(record.z),
            JSONArrayText.encode(record.answers), JSONArrayText.encode(record.ttls), SQLValue.flag(record.rejected),
            SQLValue.integer(record.opcode),
        ]
    }
}

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

    func columnValues() -> [DatabaseValue] {
        let record = model
        return [
            SQLValue.bind(agentID.rawValue), SQLValue.bind(record.ts.microseconds), SQLValue.bind(record.uid),
            SQLValue.bind(AddressBlob.encode(record.id.originatorHost)),
            SQLValue.bind(Int64(record.id.originatorPort)),
            SQLValue.bind(AddressBlob.encode(record.id.responderHost)),
            SQLValue.bind(Int64(record.id.responderPort)), SQLValue.bind(record.proto.rawValue),
            SQLValue.bind(SQLValue.integer(record.transactionID)), SQLValue.bind(record.rtt?.microseconds),
            SQLValue.bind(record.query), SQLValue.bind(record.query.map { DNSName.reversedKey($0) }),
            SQLValue.bind(SQLValue.integer(record.qclass)), SQLValue.bind(SQLValue.integer(record.qtype)),
            SQLValue.bind(SQLValue.integer(record.rcode)), SQLValue.bind(SQLValue.flag(record.authoritative)),
            SQLValue.bind(SQLValue.flag(record.truncated)), SQLValue.bind(SQLValue.flag(record.recursionDesired)),
            SQLValue.bind(SQLValue.flag(record.recursionAvailable)), SQLValue.bind(Int64(record.z)),
            SQLValue.bind(JSONArrayText.encode(record.answers)), SQLValue.bind(JSONArrayText.encode(record.ttls)),
            SQLValue.bind(SQLValue.flag(record.rejected)), SQLValue.bind(SQLValue.integer(record.opcode)),
        ]
    }
}

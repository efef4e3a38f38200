import FleetModel
import PostgresNIO
import Storage

/// The `dns` table. `query_rev` is ``DNSName/reversedKey(_:)`` of the query (collation "C"),
/// indexed so a domain-suffix filter is a range scan.
enum DNSTable: PostgresRecordTable {
    static let table = "dns"

    static let columns: [(name: String, cast: String)] =
        [("agent_id", "::text"), ("ts", "::bigint"), ("uid", "::text")] + PGValue.endpointColumns + [
            ("proto", "::text"), ("trans_id", "::integer"), ("rtt", "::bigint"), ("query", "::text"),
            ("query_rev", "::text"), ("qclass", "::integer"), ("qtype", "::integer"), ("rcode", "::integer"),
            ("aa", "::boolean"), ("tc", "::boolean"), ("rd", "::boolean"), ("ra", "::boolean"),
            ("z", "::integer"), ("answers", "::text[]"), ("ttls", "::bigint[]"), ("rejected", "::boolean"),
            ("opcode", "::integer"),
        ]

    static func append(_ record: DNSRecord, agent: AgentID, to binds: inout PostgresBindings) {
        binds.append(agent.rawValue)
        binds.append(record.ts.microseconds)
        binds.append(record.uid)
        PGValue.appendEndpoints(record.id, to: &binds)
        binds.append(record.proto.rawValue)
        binds.append(PGValue.integer(record.transactionID))
        binds.append(record.rtt?.microseconds)
        binds.append(record.query)
        binds.append(record.query.map { DNSName.reversedKey($0) })
        binds.append(PGValue.integer(record.qclass))
        binds.append(PGValue.integer(record.qtype))
        binds.append(PGValue.integer(record.rcode))
        binds.append(record.authoritative)
        binds.append(record.truncated)
        binds.append(record.recursionDesired)
        binds.append(record.recursionAvailable)
        binds.append(Int64(record.z))
        binds.append(record.answers)
        binds.append(record.ttls.map { Int64($0) })
        binds.append(record.rejected)
        binds.append(PGValue.integer(record.opcode))
    }

    static func decode(_ reader: inout ColumnReader) throws(StorageError) -> StoredRecord<DNSRecord> {
        let agent = AgentID(try reader.next(String.self))
        let ts = try reader.time()
        let uid: String = try reader.next()
        let id = try reader.connID()
        let proto = try reader.transport()
        let transactionID = try reader.optionalExact(UInt16.self)
        let rtt = try reader.optionalDuration()
        let query: String? = try reader.next()
        _ = try reader.next(String?.self)  // query_rev: derived from query
        let qclass = try reader.optionalExact(UInt16.self)
        let qtype = try reader.optionalExact(UInt16.self)
        let rcode = try reader.optionalExact(UInt16.self)
        let flags = (try reader.next(Bool.self), try reader.next(Bool.self), try reader.next(Bool.self), try reader.next(Bool.self))
        let z = try reader.exact(UInt16.self)
        let answers: [String] = try reader.next()
        let ttls = try reader.next([Int64].self).map { value throws(StorageError) in
            guard let ttl = UInt32(exactly: value) else { throw StorageError.corruptData.with(message: "ttl \(value)") }
            return ttl
        }
        let record = DNSRecord(
            ts: ts, uid: uid, id: id, proto: proto, transactionID: transactionID, rtt: rtt, query: query,
            qclass: qclass, qtype: qtype, rcode: rcode, authoritative: flags.0, truncated: flags.1,
            recursionDesired: flags.2, recursionAvailable: flags.3, z: z, answers: answers, ttls: ttls,
            rejected: try reader.next(), opcode: try reader.optionalExact(UInt16.self)
        )
        return StoredRecord(agent: agent, record: record)
    }
}

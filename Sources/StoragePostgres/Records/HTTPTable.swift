import FleetModel
import PostgresNIO
import Storage

/// The `http` table.
enum HTTPTable: PostgresRecordTable {
    static let table = "http"

    static let columns: [(name: String, cast: String)] =
        [("agent_id", "::text"), ("ts", "::bigint"), ("uid", "::text")] + PGValue.endpointColumns + [
            ("trans_depth", "::bigint"), ("method", "::text"), ("host", "::text"), ("uri", "::text"),
            ("referrer", "::text"), ("version", "::text"), ("user_agent", "::text"), ("origin", "::text"),
            ("request_body_len", "::bigint"), ("response_body_len", "::bigint"), ("status_code", "::integer"),
            ("status_msg", "::text"), ("info_code", "::integer"), ("info_msg", "::text"), ("tags", "::text[]"),
            ("username", "::text"), ("password", "::text"), ("proxied", "::text[]"), ("uri_raw", "::text"),
        ]

    static func append(_ record: HTTPRecord, agent: AgentID, to binds: inout PostgresBindings) {
        binds.append(agent.rawValue)
        binds.append(record.ts.microseconds)
        binds.append(record.uid)
        PGValue.appendEndpoints(record.id, to: &binds)
        binds.append(Int64(record.transDepth))
        binds.append(record.method)
        binds.append(record.host)
        binds.append(record.uri)
        binds.append(record.referrer)
        binds.append(record.version)
        binds.append(record.userAgent)
        binds.append(record.origin)
        binds.append(PGValue.counter(record.requestBodyLength))
        binds.append(PGValue.counter(record.responseBodyLength))
        binds.append(PGValue.integer(record.statusCode))
        binds.append(record.statusMessage)
        binds.append(PGValue.integer(record.infoCode))
        binds.append(record.infoMessage)
        binds.append(record.tags)
        binds.append(record.username)
        binds.append(record.password)
        binds.append(record.proxied)
        binds.append(record.uriRaw)
    }

    static func decode(_ reader: inout ColumnReader) throws(StorageError) -> StoredRecord<HTTPRecord> {
        let agent = AgentID(try reader.next(String.self))
        let ts = try reader.time()
        let uid: String = try reader.next()
        let id = try reader.connID()
        let record = HTTPRecord(
            ts: ts, uid: uid, id: id, transDepth: try reader.exact(UInt32.self), method: try reader.next(),
            host: try reader.next(), uri: try reader.next(), referrer: try reader.next(), version: try reader.next(),
            userAgent: try reader.next(), origin: try reader.next(), requestBodyLength: try reader.counter(),
            responseBodyLength: try reader.counter(), statusCode: try reader.optionalExact(UInt16.self),
            statusMessage: try reader.next(), infoCode: try reader.optionalExact(UInt16.self),
            infoMessage: try reader.next(), tags: try reader.next(), username: try reader.next(),
            password: try reader.next(), proxied: try reader.next(), uriRaw: try reader.next()
        )
        return StoredRecord(agent: agent, record: record)
    }
}

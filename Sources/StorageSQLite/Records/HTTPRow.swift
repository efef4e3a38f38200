import FleetModel
import GRDB
import Storage

/// One row of the `http` table.
struct HTTPRow: RecordRow {
    static let databaseTableName = "http"

    static let insertColumns = [
        "agent_id", "ts", "uid", "orig_h", "orig_p", "resp_h", "resp_p", "trans_depth", "method", "host", "uri",
        "referrer", "version", "user_agent", "origin", "request_body_len", "response_body_len", "status_code",
        "status_msg", "info_code", "info_msg", "tags", "username", "password", "proxied", "uri_raw",
    ]

    var agentID: AgentID
    var model: HTTPRecord

    init(agentID: AgentID, model: HTTPRecord) {
        self.agentID = agentID
        self.model = model
    }

    init(row: Row) throws {
        agentID = try row.agent("agent_id")
        model = HTTPRecord(
            ts: try row.time("ts"), uid: try row.text("uid"), id: try row.connID(),
            transDepth: try row.exact(UInt32.self, "trans_depth"), method: try row.optionalText("method"),
            host: try row.optionalText("host"), uri: try row.optionalText("uri"),
            referrer: try row.optionalText("referrer"), version: try row.optionalText("version"),
            userAgent: try row.optionalText("user_agent"), origin: try row.optionalText("origin"),
            requestBodyLength: try row.counter("request_body_len"),
            responseBodyLength: try row.counter("response_body_len"),
            statusCode: try row.optionalExact(UInt16.self, "status_code"), statusMessage: try row.optionalText("status_msg"),
            infoCode: try row.optionalExact(UInt16.self, "info_code"), infoMessage: try row.optionalText("info_msg"),
            tags: try row.strings("tags"), username: try row.optionalText("username"),
            password: try row.optionalText("password"), proxied: try row.strings("proxied"),
            uriRaw: try row.optionalText("uri_raw")
        )
    }

    func columnValues() -> [DatabaseValue] {
        let record = model
        return [
            SQLValue.bind(agentID.rawValue), SQLValue.bind(record.ts.microseconds), SQLValue.bind(record.uid),
            SQLValue.bind(AddressBlob.encode(record.id.originatorHost)),
            SQLValue.bind(Int64(record.id.originatorPort)),
            SQLValue.bind(AddressBlob.encode(record.id.responderHost)),
            SQLValue.bind(Int64(record.id.responderPort)), SQLValue.bind(Int64(record.transDepth)),
            SQLValue.bind(record.method), SQLValue.bind(record.host), SQLValue.bind(record.uri),
            SQLValue.bind(record.referrer), SQLValue.bind(record.version), SQLValue.bind(record.userAgent),
            SQLValue.bind(record.origin), SQLValue.bind(SQLValue.counter(record.requestBodyLength)),
            SQLValue.bind(SQLValue.counter(record.responseBodyLength)),
            SQLValue.bind(SQLValue.integer(record.statusCode)), SQLValue.bind(record.statusMessage),
            SQLValue.bind(SQLValue.integer(record.infoCode)), SQLValue.bind(record.infoMessage),
            SQLValue.bind(JSONArrayText.encode(record.tags)), SQLValue.bind(record.username),
            SQLValue.bind(record.password), SQLValue.bind(JSONArrayText.encode(record.proxied)),
            SQLValue.bind(record.uriRaw),
        ]
    }
}

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

    func columnValues() -> [(any DatabaseValueConvertible)?] {
        let record = model
        return [
            agentID.rawValue, record.ts.microseconds, record.uid, AddressBlob.encode(record.id.originatorHost),
            Int64(record.id.originatorPort), AddressBlob.encode(record.id.responderHost),
            Int64(record.id.responderPort), Int64(record.transDepth), record.method, record.host, record.uri,
            record.referrer, record.version, record.userAgent, record.origin,
            SQLValue.counter(record.requestBodyLength), SQLValue.counter(record.responseBodyLength),
            SQLValue.integer(record.statusCode), record.statusMessage, SQLValue.integer(record.infoCode),
            record.infoMessage, JSONArrayText.encode(record.tags), record.username, record.password,
            JSONArrayText.encode(record.proxied), record.uriRaw,
        ]
    }
}

import FleetModel
import ZeekLogs

/// What a query command asks for: the API path, the Zeek schema of its records (nil for
/// anomalies and agents) and how a line becomes a table row.
/// Opaque outside FleetCLI.
public struct QueryKind: Sendable {
    /// Path under `/v1/`.
    var path: String
    /// The Zeek log schema (`-o zeek`), for record kinds.
    var schema: ZeekLogSchema?
    /// Table columns.
    var columns: [TextTable.Column]
    /// The table cells of one parsed line.
    var cells: @Sendable (ZeekJSONRow) -> [String]

    private static let time = TextTable.Column(title: "TIME", cap: 14)
    private static let agent = TextTable.Column(title: "AGENT", cap: 12, flexible: true)

    private static func when(_ row: ZeekJSONRow, _ field: String = "ts") -> String {
        row.microseconds(field).map(HumanTime.short) ?? "-"
    }

    private static func endpoint(_ row: ZeekJSONRow, _ side: String) -> String {
        let host = row.text("id.\(side)_h") ?? "-"
        let port = row.text("id.\(side)_p") ?? "-"
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    static let conn = QueryKind(
        path: "conn", schema: ConnRecord.zeekSchema,
        columns: [
            time, agent, .init(title: "ORIG", cap: 21, flexible: true), .init(title: "RESP", cap: 21, flexible: true),
            .init(title: "PROTO", cap: 10, flexible: true), .init(title: "DURATION", cap: 8, right: true),
            .init(title: "BYTES", cap: 9, right: true), .init(title: "STATE", cap: 6),
        ],
        cells: { row in
            let proto = row.text("proto") ?? "-"
            let service = row.text("service").map { "/" + $0 } ?? ""
            let bytes = (Int64(row.text("orig_bytes") ?? "") ?? 0) + (Int64(row.text("resp_bytes") ?? "") ?? 0)
            return [
                when(row), row.agent, endpoint(row, "orig"), endpoint(row, "resp"), proto + service,
                row.microseconds("duration").map(HumanTime.duration) ?? "-", String(bytes), row.text("conn_state") ?? "-",
            ]
        })

    static let dns = QueryKind(
        path: "dns", schema: DNSRecord.zeekSchema,
        columns: [
            time, agent, .init(title: "CLIENT", cap: 15, flexible: true), .init(title: "SERVER", cap: 15, flexible: true),
            .init(title: "QUERY", cap: 50, flexible: true), .init(title: "TYPE", cap: 6),
            .init(title: "RCODE", cap: 8), .init(title: "ANSWERS", cap: 40, flexible: true),
        ],
        cells: { row in
            [
                when(row), row.agent, row.text("id.orig_h") ?? "-", row.text("id.resp_h") ?? "-", row.text("query") ?? "-",
                row.text("qtype_name") ?? "-", row.text("rcode_name") ?? "-", row.text("answers") ?? "-",
            ]
        })

    static let http = QueryKind(
        path: "http", schema: HTTPRecord.zeekSchema,
        columns: [
            time, agent, .init(title: "CLIENT", cap: 15, flexible: true), .init(title: "SERVER", cap: 21, flexible: true),
            .init(title: "METHOD", cap: 7), .init(title: "HOST", cap: 30, flexible: true),
            .init(title: "URI", cap: 60, flexible: true), .init(title: "STATUS", cap: 6, right: true),
        ],
        cells: { row in
            [
                when(row), row.agent, row.text("id.orig_h") ?? "-", endpoint(row, "resp"), row.text("method") ?? "-",
                row.text("host") ?? "-", row.text("uri") ?? "-", row.text("status_code") ?? "-",
            ]
        })

    static let ssl = QueryKind(
        path: "ssl", schema: SSLRecord.zeekSchema,
        columns: [
            time, agent, .init(title: "CLIENT", cap: 15, flexible: true), .init(title: "SERVER", cap: 21, flexible: true),
            .init(title: "VERSION", cap: 7), .init(title: "SNI", cap: 40, flexible: true), .init(title: "EST", cap: 3),
        ],
        cells: { row in
            let established = row.flag("established").map { $0 ? "T" : "F" } ?? "-"
            return [
                when(row), row.agent, row.text("id.orig_h") ?? "-", endpoint(row, "resp"), row.text("version") ?? "-",
                row.text("server_name") ?? "-", established,
            ]
        })

    static let anomalies = QueryKind(
        path: "anomalies", schema: nil,
        columns: [
            .init(title: "SEVERITY", cap: 8), .init(title: "DETECTOR", cap: 24, flexible: true),
            .init(title: "HOST", cap: 15, flexible: true), agent, .init(title: "LAST SEEN", cap: 14),
            .init(title: "SUMMARY", cap: 80, flexible: true),
        ],
        cells: { row in
            [
                (row.text("severity") ?? "-").uppercased(), row.text("detector") ?? "-", row.text("host") ?? "-",
                row.agent, when(row, "last_seen"), row.text("summary") ?? "",
            ]
        })

    static let agents = QueryKind(
        path: "agents", schema: nil,
        columns: [
            .init(title: "AGENT", cap: 20, flexible: true), .init(title: "HOSTNAME", cap: 24, flexible: true),
            .init(title: "VERSION", cap: 12, flexible: true), .init(title: "LAST SEEN", cap: 14),
            .init(title: "RECORDS", cap: 12, right: true), .init(title: "DROPS", cap: 10, right: true),
            .init(title: "MISSED", cap: 8, right: true),
        ],
        cells: { row in
            [
                row.agent, row.text("hostname") ?? "-", row.text("version") ?? "-", when(row, "last_seen"),
                row.text("records") ?? "0", row.text("drops") ?? "0", row.text("missed_batches") ?? "0",
            ]
        })
}

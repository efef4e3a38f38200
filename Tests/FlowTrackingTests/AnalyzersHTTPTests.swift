import FleetModel
import Testing
@testable import FlowTracking

func zeekColumns(_ r: HTTPRecord) -> [String: String] {
    func opt<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "-" }
    func text(_ value: String?) -> String { value.map { $0.isEmpty ? "(empty)" : $0 } ?? "-" }
    return [
        "trans_depth": "\(r.transDepth)", "method": text(r.method), "host": text(r.host), "uri": text(r.uri),
        "referrer": text(r.referrer), "version": text(r.version), "user_agent": text(r.userAgent),
        "origin": text(r.origin), "request_body_len": "\(r.requestBodyLength)",
        "response_body_len": "\(r.responseBodyLength)", "status_code": opt(r.statusCode),
        "status_msg": text(r.statusMessage), "info_code": opt(r.infoCode), "info_msg": text(r.infoMessage),
        "username": text(r.username), "password": text(r.password),
    ]
}

@Suite struct AnalyzersHTTPTests {
    static let columns = ["trans_depth", "method", "host", "uri", "referrer", "version", "user_agent", "origin",
                          "request_body_len", "response_body_len", "status_code", "status_msg", "info_code",
                          "info_msg", "username", "password"]

    static func rows(_ trace: String, chunk: Int = Int.max) -> (ours: [String], theirs: [String])? {
        guard let result = TraceReplay.run(
            trace: "\(trace).pcap", make: HTTPAnalyzer.init, accept: { _, proto in proto == .tcp }, chunk: chunk),
              let expected = TraceReplay.baseline(trace, log: "http.log")
        else { return nil }
        let ours = result.batch.http.map { record in columns.map { zeekColumns(record)[$0] ?? "?" }.joined(separator: "\t") }
        let theirs = expected.map { row in columns.map { row[$0] ?? "?" }.joined(separator: "\t") }
        return (ours.sorted(), theirs.sorted())
    }

    @Test(arguments: ["http-get", "http-100-continue", "http-basic-auth-with-colon", "http-concurrent-range-requests",
                      "http-connect-with-smtp", "http-http-filename", "http-methods", "http-multipart",
                      "http-percent-end-of-line", "http-version-mismatch", "wikipedia", "tcp-http-with-padding",
                      "http-pipelined-requests"])
    func matchesZeekBaseline(trace: String) {
        guard let (ours, theirs) = Self.rows(trace) else { return }
        #expect(ours == theirs)
    }

    /// Known differences: Zeek's multipart body count adds a missing final CRLF, and Zeek
    /// logs an empty second transaction after an HTTP/0.9 exchange.
    @Test(arguments: ["http-no_crlf", "http-http_09"])
    func knownDifferences(trace: String) {
        guard let (ours, theirs) = Self.rows(trace) else { return }
        withKnownIssue { #expect(ours == theirs) }
    }

    @Test(arguments: ["http-pipelined-requests", "http-100-continue", "http-methods", "http-connect-with-smtp"])
    func dripFeedingGivesTheSameRecords(trace: String) {
        guard let whole = Self.rows(trace), let dripped = Self.rows(trace, chunk: 1) else { return }
        #expect(whole.ours == dripped.ours)
        #expect(!whole.ours.isEmpty)
    }
}

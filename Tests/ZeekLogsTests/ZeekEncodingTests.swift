import FleetModel
import Testing
import ZeekLogs

/// Escaping, unset/empty values, JSON lines and `#open` dates.
@Suite("Zeek value encoding")
struct ZeekEncodingTests {
    static let schema = ZeekLogSchema(path: "test", fields: [
        .init("s", "string"), .init("set", "set[string]"), .init("iv", "vector[interval]"), .init("t", "time"),
        .init("n", "count"), .init("b", "bool"), .init("a", "addr"), .init("x", "string", jsonOnly: true),
    ])

    static func tsvRow(_ values: [ZeekValue]) -> String {
        var writer = ZeekLogWriter(schema: schema, format: .tsv, openTime: .zero)
        _ = writer.takeBytes()
        writer.append(values: values)
        return String(decoding: writer.takeBytes(), as: UTF8.self)
    }

    static func jsonRow(_ values: [ZeekValue]) -> String {
        var writer = ZeekLogWriter(schema: schema, format: .json, openTime: .zero)
        writer.append(values: values)
        writer.close(at: .zero)
        return String(decoding: writer.takeBytes(), as: UTF8.self)
    }

    @Test func unsetAndEmpty() {
        #expect(Self.tsvRow([.unset, .unset, .unset, .unset, .unset, .unset, .unset, .unset]) == "-\t-\t-\t-\t-\t-\t-\n")
        #expect(Self.tsvRow([.string(""), .strings([]), .intervals([])]) == "(empty)\t(empty)\t(empty)\t-\t-\t-\t-\n")
        // A string that is exactly the unset marker is escaped so it cannot be read as unset.
        #expect(Self.tsvRow([.string("-"), .strings(["-", ""])]).hasPrefix("\\x2d\t\\x2d,(empty)\t"))
    }

    @Test(arguments: [
        ("a\tb", "a\\x09b"), ("line\nfeed\r", "line\\x0afeed\\x0d"), ("back\\slash", "back\\x5cslash"),
        ("nul\u{0}del\u{7f}", "nul\\x00del\\x7f"), ("café ✓", "café ✓"), ("a,b", "a,b"), ("(empty)", "(empty)"),
    ])
    func stringEscaping(input: String, expected: String) {
        #expect(Self.tsvRow([.string(input)]) == expected + "\t-\t-\t-\t-\t-\t-\n")
    }

    @Test func setSeparatorIsEscapedInsideSetElements() {
        #expect(Self.tsvRow([.unset, .strings(["a,b", "c"])]) == "-\ta\\x2cb,c\t-\t-\t-\t-\t-\n")
    }

    @Test func numbersAndTimes() {
        let row = Self.tsvRow([
            .unset, .unset, .intervals([.seconds(120), NetworkDuration(microseconds: 392)]),
            .time(NetworkTime(microseconds: -1_500_000)), .count(UInt64.max), .bool(true),
            .addr(IPAddress("2001:db8::1") ?? .v4(0)),
        ])
        #expect(row == "-\t-\t120.000000,0.000392\t-1.500000\t18446744073709551615\tT\t2001:db8::1\n")
    }

    @Test func jsonLineOmitsUnsetAndKeepsExtensions() {
        let line = Self.jsonRow([
            .string("q\"uo\\te\n"), .strings(["x", "y"]), .intervals([.seconds(120)]),
            .time(NetworkTime(seconds: 1_300_475_167, microseconds: 96_535)), .unset, .bool(false),
            .addr(.v4(0x0A00_0001)), .string("ext"),
        ])
        #expect(line == #"{"s":"q\"uo\\te\n","set":["x","y"],"iv":[120.0],"t":1300475167.096535,"b":false,"a":"10.0.0.1","x":"ext"}"# + "\n")
        #expect(Self.jsonRow([]) == "{}\n")
    }

    @Test func jsonConnRecordHasTsAsNumberAndNoUnsetFields() {
        let record = ConnRecord(
            ts: NetworkTime(seconds: 10, microseconds: 500_000), uid: "C1",
            id: ConnID(originatorHost: .v4(1), originatorPort: 1, responderHost: .v4(2), responderPort: 2),
            proto: .udp, connState: .S0, ipProto: 17
        )
        let text = String(decoding: ZeekLogWriter.render([record], format: .json, openTime: .zero, closeTime: .zero), as: UTF8.self)
        #expect(text == #"{"ts":10.5,"uid":"C1","id.orig_h":"0.0.0.1","id.orig_p":1,"id.resp_h":"0.0.0.2","id.resp_p":2,"proto":"udp","conn_state":"S0","missed_bytes":0,"orig_pkts":0,"orig_ip_bytes":0,"resp_pkts":0,"resp_ip_bytes":0,"ip_proto":17}"# + "\n")
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01-00-00-00"), (1_300_475_167, "2011-03-18-19-06-07"),
        (951_782_400, "2000-02-29-00-00-00"), (-1, "1969-12-31-23-59-59"), (4_102_444_800, "2100-01-01-00-00-00"),
    ])
    func openTimestamp(seconds: Int64, expected: String) {
        #expect(ZeekTimestamp.logText(NetworkTime(seconds: seconds, microseconds: 0)) == expected)
    }
}

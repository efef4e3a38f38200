import FleetModel
import Testing
@testable import FlowTracking

/// Zeek text for the dns.log columns these tests compare (ts, uid and id excluded).
func zeekColumns(_ r: DNSRecord) -> [String: String] {
    func opt<T>(_ value: T?, _ text: (T) -> String = { "\($0)" }) -> String { value.map(text) ?? "-" }
    func bool(_ value: Bool) -> String { value ? "T" : "F" }
    let netbios = r.id.responderPort == 137
    return [
        "proto": r.proto.rawValue, "trans_id": opt(r.transactionID), "rtt": opt(r.rtt) { $0.zeekText },
        "query": opt(r.query), "qclass": opt(r.qclass), "qclass_name": opt(r.qclass, dnsQClassName),
        "qtype": opt(r.qtype),
        "qtype_name": opt(r.qtype) { netbios && $0 == 33 ? "NBSTAT" : dnsQTypeName($0) },
        "rcode": opt(r.rcode), "rcode_name": opt(r.rcode, dnsRCodeName),
        "AA": bool(r.authoritative), "TC": bool(r.truncated), "RD": bool(r.recursionDesired),
        "RA": bool(r.recursionAvailable), "Z": "\(r.z)",
        "answers": r.answers.isEmpty ? "-" : r.answers.joined(separator: ","),
        "TTLs": r.ttls.isEmpty ? "-" : r.ttls.map { "\($0).000000" }.joined(separator: ","),
        "rejected": bool(r.rejected), "opcode": opt(r.opcode),
        "opcode_name": opt(r.opcode) { dnsOpcodeName($0, netbios: netbios) },
    ]
}

@Suite struct AnalyzersDNSTests {
    static let columns = ["proto", "trans_id", "rtt", "query", "qclass", "qclass_name", "qtype", "qtype_name", "rcode",
                          "rcode_name", "AA", "TC", "RD", "RA", "Z", "answers", "TTLs", "rejected", "opcode", "opcode_name"]

    static func dnsPort(_ id: ConnID, _ proto: TransportProtocol) -> Bool {
        [53, 137, 5353, 5355].contains(id.responderPort) || [53, 137, 5353, 5355].contains(id.originatorPort)
    }

    // dns-txt-multiple is left out: Zeek ran it with checksum checks on and dropped the query.
    @Test(arguments: ["dns-two-responses", "dns-zero-RRs", "dns-sshfp-trunc", "dns53",
                      "dns-mdns-no-assoc", "dns-tkey", "dns-dns_notify2", "wikipedia", "tunnels-gre-sample"])
    func matchesZeekBaseline(trace: String) throws {
        let file = trace == "tunnels-gre-sample" ? nil : "\(trace).pcap"
        guard let file, let result = TraceReplay.run(trace: file, make: DNSAnalyzer.init, accept: Self.dnsPort),
              let expected = TraceReplay.baseline(trace, log: "dns.log")
        else { return }  // conformance data not available here
        let ours = result.batch.dns.map { record in Self.columns.map { zeekColumns(record)[$0] ?? "?" }.joined(separator: "\t") }.sorted()
        let theirs = expected.map { row in Self.columns.map { row[$0] ?? "?" }.joined(separator: "\t") }.sorted()
        #expect(ours == theirs)
    }

    /// Zeek summarises dynamic UPDATE prerequisite/update sections as `pre:`/`del:`/`add:` answers.
    @Test func dynamicUpdate() {
        guard let result = TraceReplay.run(trace: "dns-dynamic-update.pcap", make: DNSAnalyzer.init, accept: Self.dnsPort),
              let expected = TraceReplay.baseline("dns-dynamic-update", log: "dns.log")
        else { return }
        let ours = result.batch.dns.map { record in Self.columns.map { zeekColumns(record)[$0] ?? "?" }.joined(separator: "\t") }.sorted()
        let theirs = expected.map { row in Self.columns.map { row[$0] ?? "?" }.joined(separator: "\t") }.sorted()
        #expect(ours == theirs)
    }

    @Test func tcpFramingAcrossSegmentsAndByteByByte() {
        let query: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 0, 0, 1, 0, 1]
        let reply: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0x61, 0, 0, 1, 0, 1,
                              0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1]
        let context = ConnContext(uid: "C1", id: ConnID(originatorHost: .v4(1), originatorPort: 4000,
                                                        responderHost: .v4(2), responderPort: 53), proto: .tcp)
        var analyzer = DNSAnalyzer()
        var output = RecordBatch()
        let framedQuery = [0, UInt8(query.count)] + query
        let framedReply = [0, UInt8(reply.count)] + reply
        for byte in framedQuery {
            _ = [byte].withUnsafeBytes { analyzer.deliver($0, fromOriginator: true, at: NetworkTime(microseconds: 1), context: context, output: &output) }
        }
        var status = AnalyzerStatus.pending
        for byte in framedReply {
            status = [byte].withUnsafeBytes { analyzer.deliver($0, fromOriginator: false, at: NetworkTime(microseconds: 501), context: context, output: &output) }
        }
        #expect(status == .confirmed)
        #expect(output.dns.count == 1)
        #expect(output.dns.first?.answers == ["10.0.0.1"])
        #expect(output.dns.first?.rtt == NetworkDuration(microseconds: 500))
        #expect(output.dns.first?.query == "a")
        analyzer.finish(at: NetworkTime(microseconds: 600), context: context, output: &output)
        #expect(output.dns.count == 1)
    }

    @Test func unansweredQueriesAreFlushedOnFinish() {
        let query: [UInt8] = [0, 9, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x62, 0, 0, 28, 0, 1]
        let context = ConnContext(uid: "C2", id: ConnID(originatorHost: .v4(1), originatorPort: 4000,
                                                        responderHost: .v4(2), responderPort: 53), proto: .udp)
        var analyzer = DNSAnalyzer()
        var output = RecordBatch()
        for _ in 0..<2 {
            _ = query.withUnsafeBytes { analyzer.deliver($0, fromOriginator: true, at: .zero, context: context, output: &output) }
        }
        #expect(output.dns.isEmpty)
        analyzer.finish(at: .zero, context: context, output: &output)
        #expect(output.dns.count == 2)
        #expect(output.dns.allSatisfy { $0.qtype == 28 && $0.rcode == nil })
    }

    @Test func garbageIsRejectedWithoutCrashing() {
        let context = ConnContext(uid: "C3", id: ConnID(originatorHost: .v4(1), originatorPort: 4000,
                                                        responderHost: .v4(2), responderPort: 53), proto: .udp)
        var analyzer = DNSAnalyzer()
        var output = RecordBatch()
        var status = AnalyzerStatus.pending
        for length in [0, 3, 11] {
            status = [UInt8](repeating: 0xff, count: length).withUnsafeBytes {
                analyzer.deliver($0, fromOriginator: true, at: .zero, context: context, output: &output)
            }
        }
        #expect(status == .rejected)
        #expect(output.weirds.count == 3)
    }
}

import FleetModel
import Testing
@testable import FlowTracking

func zeekColumns(_ r: SSLRecord) -> [String: String] {
    func text(_ value: String?) -> String { value.map { $0.isEmpty ? "(empty)" : $0 } ?? "-" }
    return [
        "version": text(r.version), "cipher": text(r.cipher), "curve": text(r.curve), "server_name": text(r.serverName),
        "resumed": r.resumed ? "T" : "F", "last_alert": text(r.lastAlert), "next_protocol": text(r.nextProtocol),
        "established": r.established ? "T" : "F", "ssl_history": text(r.sslHistory),
    ]
}

@Suite struct AnalyzersSSLTests {
    static let columns = ["version", "cipher", "curve", "server_name", "resumed", "last_alert", "next_protocol",
                          "established", "ssl_history"]

    static func rows(_ trace: String, chunk: Int = Int.max) -> (ours: [String], theirs: [String])? {
        guard let result = TraceReplay.run(trace: "\(trace).pcap", make: SSLAnalyzer.init, chunk: chunk),
              let expected = TraceReplay.baseline(trace, log: "ssl.log")
        else { return nil }
        let ours = result.batch.ssl.map { record in columns.map { zeekColumns(record)[$0] ?? "?" }.joined(separator: "\t") }
        let theirs = expected.map { row in columns.map { row[$0] ?? "?" }.joined(separator: "\t") }
        return (ours.sorted(), theirs.sorted())
    }

    @Test(arguments: ["tls-dtls1_2", "tls-tls-1.2-handshake-failure", "tls-tls-conn-with-extensions", "tls-tls1.2",
                      "tls-tls13-ech", "tls-tls13draft23-chrome67.0.3368.0-canary", "tls-tls1_1"])
    func matchesZeekBaseline(trace: String) {
        guard let (ours, theirs) = Self.rows(trace) else { return }
        #expect(ours == theirs)
    }

    @Test(arguments: ["tls-tls1.2", "tls-tls13-ech", "tls-tls-conn-with-extensions"])
    func dripFeedingGivesTheSameRecords(trace: String) {
        guard let whole = Self.rows(trace), let dripped = Self.rows(trace, chunk: 1) else { return }
        #expect(whole.ours == dripped.ours)
        #expect(!whole.ours.isEmpty)
    }

    @Test func nonTLSIsRejectedOnTheFirstBytes() {
        let context = ConnContext(uid: "C1", id: ConnID(originatorHost: .v4(1), originatorPort: 5000,
                                                        responderHost: .v4(2), responderPort: 443), proto: .tcp)
        var output = RecordBatch()
        var analyzer = SSLAnalyzer()
        let status = Array("GET / HTTP/1.1\r\n".utf8).withUnsafeBytes {
            analyzer.deliver($0, fromOriginator: true, at: .zero, context: context, output: &output)
        }
        #expect(status == .rejected)
        analyzer.finish(at: .zero, context: context, output: &output)
        #expect(output.ssl.isEmpty)
    }
}

@Suite struct AnalyzersSSHTests {
    static let context = ConnContext(uid: "C1", id: ConnID(originatorHost: .v4(1), originatorPort: 5000,
                                                           responderHost: .v4(2), responderPort: 22), proto: .tcp)

    @Test func confirmsOnBothBannersEvenByteByByte() {
        var analyzer = SSHAnalyzer()
        var output = RecordBatch()
        var status = AnalyzerStatus.pending
        for byte in Array("SSH-2.0-OpenSSH_9.6\r\n".utf8) {
            status = [byte].withUnsafeBytes { analyzer.deliver($0, fromOriginator: false, at: .zero, context: Self.context, output: &output) }
        }
        #expect(status == .pending)
        status = Array("SSH-2.0-PuTTY\r\n".utf8).withUnsafeBytes {
            analyzer.deliver($0, fromOriginator: true, at: .zero, context: Self.context, output: &output)
        }
        #expect(status == .confirmed)
        #expect(output.isEmpty)
    }

    @Test func rejectsOtherProtocols() {
        var analyzer = SSHAnalyzer()
        var output = RecordBatch()
        let status = Array("GET / HTTP/1.1\r\n".utf8).withUnsafeBytes {
            analyzer.deliver($0, fromOriginator: true, at: .zero, context: Self.context, output: &output)
        }
        #expect(status == .rejected)
    }

    @Test func sshTraceConfirms() {
        guard let result = TraceReplay.run(trace: "ssh-ssh.pcap", make: SSHAnalyzer.init) else { return }
        #expect(result.statuses.values.filter { $0 == .confirmed }.count >= 20)
    }
}

@Suite struct AnalyzersCrossProtocolTests {
    /// Zeek leaves conn.log `service` unset for these: no analyzer may confirm.
    @Test func mismatchedProtocolsDoNotConfirm() {
        for trace in ["tls-https-to-http.pcap", "http-http-to-ssh.pcap"] {
            if let http = TraceReplay.run(trace: trace, make: HTTPAnalyzer.init) {
                #expect(!http.statuses.values.contains(.confirmed), "http confirmed on \(trace)")
                #expect(http.batch.http.isEmpty, "http records on \(trace)")
            }
            if let ssl = TraceReplay.run(trace: trace, make: SSLAnalyzer.init) {
                #expect(!ssl.statuses.values.contains(.confirmed), "ssl confirmed on \(trace)")
            }
            if let ssh = TraceReplay.run(trace: trace, make: SSHAnalyzer.init) {
                #expect(!ssh.statuses.values.contains(.confirmed), "ssh confirmed on \(trace)")
            }
        }
    }

    @Test func confirmedServicesOnRealTraffic() {
        if let ssl = TraceReplay.run(trace: "tls-tls1.2.pcap", make: SSLAnalyzer.init) {
            #expect(ssl.statuses.values.contains(.confirmed))
        }
        if let http = TraceReplay.run(trace: "http-get.pcap", make: HTTPAnalyzer.init) {
            #expect(http.statuses.values.contains(.confirmed))
        }
        if let dns = TraceReplay.run(trace: "dns-two-responses.pcap", make: DNSAnalyzer.init) {
            #expect(dns.statuses.values.contains(.confirmed))
        }
    }
}

/// The ECDH test on cipher names: the curve is logged only for ECDH(E) ciphers.
@Test func containsECDHFindsTheNameAnywhere() {
    #expect(SSLAnalyzer.containsECDH("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
    #expect(SSLAnalyzer.containsECDH("ECDH"))
    #expect(SSLAnalyzer.containsECDH("TLS_ECDH_anon_WITH_NULL_SHA"))
    #expect(SSLAnalyzer.containsECDH("X_ECDH"))
    #expect(!SSLAnalyzer.containsECDH("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"))
    #expect(!SSLAnalyzer.containsECDH("ECD"))
    #expect(!SSLAnalyzer.containsECDH(""))
    #expect(!SSLAnalyzer.containsECDH("TLS_ECDSA_ECD_H"))
}

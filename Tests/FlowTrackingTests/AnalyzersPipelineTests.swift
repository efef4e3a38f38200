import FleetModel
import PacketLayers
import Testing
@testable import FlowTracking

/// The analyzers inside the real flow tracker (`AnalyzerRegistry.standard`), against Zeek's logs.
@Suite struct AnalyzersPipelineTests {
    static func run(_ trace: String, ignoreChecksums: Bool) -> RecordBatch? {
        guard let frames = TraceReplay.frames(trace: "\(trace).pcap") else { return nil }
        var configuration = PipelineConfiguration()
        configuration.flows.analyzers = .standard
        configuration.flows.interimInterval = nil
        configuration.decoder.verifyChecksums = !ignoreChecksums
        var pipeline = PacketPipeline(configuration: configuration)
        var batch = RecordBatch()
        for (time, link, frame) in frames {
            frame.withUnsafeBytes { pipeline.process(frame: $0, linkType: LinkType(rawValue: link), timestamp: time) }
            batch.append(contentsOf: pipeline.drain())
        }
        pipeline.finish()
        batch.append(contentsOf: pipeline.drain())
        return batch
    }

    @Test(arguments: ["wikipedia", "dns-two-responses", "dns-txt-multiple", "dns53", "dns-mdns-no-assoc"])
    func dnsRowsMatch(trace: String) {
        guard let batch = Self.run(trace, ignoreChecksums: false),
              let expected = TraceReplay.baseline(trace, log: "dns.log") else { return }
        let columns = AnalyzersDNSTests.columns
        let ours = batch.dns.map { record in columns.map { zeekColumns(record)[$0] ?? "?" }.joined(separator: "\t") }.sorted()
        let theirs = expected.map { row in columns.map { row[$0] ?? "?" }.joined(separator: "\t") }.sorted()
        #expect(ours == theirs)
    }

    @Test(arguments: ["wikipedia", "http-get", "http-pipelined-requests", "http-methods", "http-100-continue", "http-http_09"])
    func httpRowsMatch(trace: String) {
        guard let batch = Self.run(trace, ignoreChecksums: true),
              let expected = TraceReplay.baseline(trace, log: "http.log") else { return }
        let columns = AnalyzersHTTPTests.columns
        let ours = batch.http.map { record in columns.map { zeekColumns(record)[$0] ?? "?" }.joined(separator: "\t") }.sorted()
        let theirs = expected.map { row in columns.map { row[$0] ?? "?" }.joined(separator: "\t") }.sorted()
        #expect(ours == theirs)
    }

    @Test(arguments: ["tls-tls1.2", "tls-tls13-ech", "tls-dtls1_2", "tls-tls1_1"])
    func sslRowsMatch(trace: String) {
        guard let batch = Self.run(trace, ignoreChecksums: true),
              let expected = TraceReplay.baseline(trace, log: "ssl.log") else { return }
        let columns = AnalyzersSSLTests.columns
        let ours = batch.ssl.map { record in columns.map { zeekColumns(record)[$0] ?? "?" }.joined(separator: "\t") }.sorted()
        let theirs = expected.map { row in columns.map { row[$0] ?? "?" }.joined(separator: "\t") }.sorted()
        #expect(ours == theirs)
    }

    @Test(arguments: ["wikipedia", "ssh-ssh", "tls-https-to-http", "http-http-to-ssh", "pppoe-over-qinq"])
    func connServiceMatches(trace: String) {
        guard let batch = Self.run(trace, ignoreChecksums: true),
              let expected = TraceReplay.baseline(trace, log: "conn.log") else { return }
        func key(_ h: String, _ p: String, _ rh: String, _ rp: String) -> String { "\(h) \(p) \(rh) \(rp)" }
        var theirs: [String: String] = [:]
        for row in expected {
            theirs[key(row["id.orig_h"] ?? "", row["id.orig_p"] ?? "", row["id.resp_h"] ?? "", row["id.resp_p"] ?? "")] = row["service"]
        }
        var mismatches: [String] = []
        for conn in batch.conns {
            let k = key(conn.id.originatorHost.description, "\(conn.id.originatorPort)",
                        conn.id.responderHost.description, "\(conn.id.responderPort)")
            let ours = conn.service.isEmpty ? "-" : conn.service.joined(separator: ",")
            if let expected = theirs[k], expected != ours { mismatches.append("\(k): ours \(ours) zeek \(expected)") }
        }
        #expect(mismatches == [])
    }
}

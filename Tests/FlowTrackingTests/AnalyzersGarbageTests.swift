import FleetModel
import Testing
@testable import FlowTracking

/// Random and adversarial bytes: analyzers must never crash, and must keep bounded state.
@Suite struct AnalyzersGarbageTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 17
        }
        mutating func bytes(_ count: Int, prefix: [UInt8]) -> [UInt8] {
            prefix + (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
        }
    }

    static func hammer<A: AppAnalyzer>(_ make: () -> A, proto: TransportProtocol, prefixes: [[UInt8]]) {
        var generator = Generator(state: 42)
        let context = ConnContext(uid: "C", id: ConnID(originatorHost: .v4(1), originatorPort: 1234,
                                                       responderHost: .v4(2), responderPort: 53), proto: proto)
        for round in 0..<300 {
            var analyzer = make()
            var output = RecordBatch()
            let prefix = prefixes[round % prefixes.count]
            for step in 0..<6 {
                let data = generator.bytes(Int(generator.next() % 700), prefix: step == 0 ? prefix : [])
                _ = data.withUnsafeBytes {
                    analyzer.deliver($0, fromOriginator: generator.next() % 2 == 0, at: NetworkTime(microseconds: Int64(step)),
                                     context: context, output: &output)
                }
                if generator.next() % 10 == 0 {
                    analyzer.gap(length: 100, fromOriginator: true, at: .zero, context: context, output: &output)
                }
            }
            analyzer.finish(at: .zero, context: context, output: &output)
            #expect(output.count < 10_000)
        }
    }

    @Test func dnsSurvivesGarbage() {
        let header: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 40, 0, 0, 0, 0]
        Self.hammer(DNSAnalyzer.init, proto: .udp, prefixes: [[], header])
        Self.hammer(DNSAnalyzer.init, proto: .tcp, prefixes: [[0, 40] + header, [0xff, 0xff]])
    }

    @Test func httpSurvivesGarbage() {
        let prefixes = [Array("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8),
                        Array("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n".utf8), []]
        Self.hammer(HTTPAnalyzer.init, proto: .tcp, prefixes: prefixes)
    }

    @Test func sslSurvivesGarbage() {
        let prefixes: [[UInt8]] = [[0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03],
                                   [0x16, 0x03, 0x03, 0x00, 0x30, 0x02, 0xff, 0xff, 0xff], []]
        Self.hammer(SSLAnalyzer.init, proto: .tcp, prefixes: prefixes)
        Self.hammer(SSLAnalyzer.init, proto: .udp, prefixes: [[0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 1]])
    }

    @Test func sshSurvivesGarbage() {
        Self.hammer(SSHAnalyzer.init, proto: .tcp, prefixes: [Array("SSH-2.0-x\r\n".utf8), []])
    }
}

import FleetModel
import Testing
@testable import FlowTracking

/// Deferred analyzers are left out only when a fresh one would reject the first bytes, and
/// the open-addressing flow index agrees with a Dictionary.
@Suite struct AnalyzerPlanTests {
    static let context = ConnContext(uid: "C1", id: ConnID(originatorHost: .v4(1), originatorPort: 5000,
                                                           responderHost: .v4(2), responderPort: 443), proto: .tcp)

    /// First chunks: every single byte, every byte behind CR/LF, and real protocol openings cut at every length.
    static var firstChunks: [[UInt8]] {
        var chunks: [[UInt8]] = [[]]
        for byte in 0...255 {
            chunks.append([UInt8(byte)])
            chunks.append([0x0d, 0x0a, UInt8(byte), 0x41])
            chunks.append([UInt8(byte), 0x03, 0x01, 0x00, 0x05, 0x01])
        }
        let openings: [[UInt8]] = [
            Array("GET / HTTP/1.1\r\n".utf8), Array("HTTP/1.1 200 OK\r\n".utf8), Array("SSH-2.0-OpenSSH_9.6\r\n".utf8),
            [0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00], [0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 1],
            [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0], Array("\r\n\r\n".utf8), [0x7f, 0x45, 0x4c, 0x46],
        ]
        for opening in openings {
            for length in 0...opening.count { chunks.append(Array(opening[0..<length])) }
        }
        return chunks
    }

    @Test(arguments: [StandardAnalyzer.dns, .http, .ssl, .ssh])
    func leftOutOnlyWhenAFreshAnalyzerRejects(kind: StandardAnalyzer) {
        var leftOut = 0
        for transport in [TransportProtocol.tcp, .udp] {
            var context = Self.context
            context.proto = transport
            for chunk in Self.firstChunks {
                for fromOriginator in [true, false] {
                    var analyzer = kind.make()
                    var output = RecordBatch()
                    let status = chunk.withUnsafeBytes {
                        analyzer.deliver($0, fromOriginator: fromOriginator, at: .zero, context: context, output: &output)
                    }
                    let predicted = chunk.withUnsafeBytes {
                        kind.rejectsFirst($0, fromOriginator: fromOriginator, transport: transport)
                    }
                    if predicted {
                        leftOut += 1
                        #expect(status == .rejected, "\(kind) \(transport) \(fromOriginator) \(chunk)")
                        #expect(output.count == 0)
                    }
                }
            }
        }
        // The shortcut does fire (except for DNS, which never rejects on first bytes).
        #expect(kind == .dns ? leftOut == 0 : leftOut > 100)
    }

    @Test func planMatchesTheRegistry() {
        let registry = AnalyzerRegistry.standard
        let plan = AnalyzerPlan(registry)
        for transport in [TransportProtocol.tcp, .udp, .icmp] {
            for (a, b) in [(UInt16(53), UInt16(40000)), (40000, 53), (5353, 5353), (443, 40001), (137, 1), (80, 8080)] {
                let set = plan.entries(transport: transport, originatorPort: a, responderPort: b)
                let expected = registry.analyzers(transport: transport, originatorPort: a, responderPort: b).map(\.service)
                var slots: [AnalyzerSlot] = []
                var pool = AnalyzerPool()
                plan.attach(set, firstData: nil, fromOriginator: true, transport: transport, to: &slots, pool: &pool)
                let attached = slots.map(\.service)
                #expect(attached == expected)
                #expect(plan.canDefer(set))
                #expect(plan.inactivityTimeout(of: set)
                        == registry.inactivityTimeout(transport: transport, originatorPort: a, responderPort: b))
            }
        }
    }

    @Test func customEntriesAreAttachedAtOnce() {
        var registry = AnalyzerRegistry.standard
        registry.entries[2].make = { HTTPAnalyzer() }  // replacing `make` makes it a custom entry
        let plan = AnalyzerPlan(registry)
        let set = plan.entries(transport: .tcp, originatorPort: 40000, responderPort: 80)
        #expect(!plan.canDefer(set))
        #expect(plan.canDefer(plan.entries(transport: .udp, originatorPort: 40000, responderPort: 53)))
    }

    @Test func flowIndexAgreesWithADictionary() {
        var index = FlowIndex(minimumCapacity: 4)
        var reference: [FlowKey: Int32] = [:]
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        for step in 0..<20_000 {
            let host = UInt32(next() % 300)
            let v6 = next() % 4 == 0
            let source: IPAddress = v6 ? .v6(0xfd00, UInt64(host)) : .v4(0x0a00_0000 | host)
            let key = FlowKey(source: source, sourcePort: UInt16(next() % 3), destination: v6 ? .v6(0xfd00, 1) : .v4(1),
                              destinationPort: 80, ipProto: next() % 2 == 0 ? 6 : 17, context: 0)
            if next() % 3 == 0 {
                index.removeValue(forKey: key)
                reference.removeValue(forKey: key)
            } else {
                index[key] = Int32(step)
                reference[key] = Int32(step)
            }
            if step % 1000 == 0 || step > 19_900 {
                #expect(index.count == reference.count)
                for (key, slot) in reference { #expect(index[key] == slot) }
            }
        }
        for key in reference.keys { index[key] = nil }
        #expect(index.count == 0)
        #expect(reference.keys.allSatisfy { index[$0] == nil })
    }
}

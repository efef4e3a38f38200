import Foundation
import Detectors
import FleetModel
import Testing

@Suite struct FindingTests {
    @Test func findingMergeUpdatesInsteadOfDuplicating() {
        let t = NetworkTime(seconds: 10, microseconds: 0)
        var first = Finding(
            detector: "d", key: "k", severity: .medium, score: 0.5, agentID: "a", uids: ["C1"],
            firstSeen: t, lastSeen: t, evidence: [.init("n", "1")], summary: "one")
        let second = Finding(
            detector: "d", key: "k", severity: .high, score: 0.8, agentID: "a", uids: ["C2"],
            firstSeen: t + .seconds(5), lastSeen: t + .seconds(9), evidence: [.init("n", "2")],
            summary: "two")
        #expect(first.id == second.id)
        let changed = first.merge(second)
        #expect(changed)
        #expect(first.severity == .high && first.score == 0.8 && first.summary == "two")
        #expect(first.uids == ["C1", "C2"] && first.evidence("n") == "2" && first.revision == 2)
        #expect(first.lastSeen == t + .seconds(9) && first.firstSeen == t)
        let changedAgain = first.merge(second)
        #expect(!changedAgain)
        #expect(first.revision == 2)
    }

    @Test func listsStayBounded() {
        let t = NetworkTime(seconds: 10, microseconds: 0)
        var finding = Finding(
            detector: "d", key: "k", severity: .low, score: 0.3, agentID: "a", firstSeen: t,
            lastSeen: t, summary: "s")
        for i in 0..<100 {
            finding.merge(
                Finding(
                    detector: "d", key: "k", severity: .low, score: 0.3, agentID: "a", uids: ["C\(i)"],
                    firstSeen: t, lastSeen: t + .seconds(Int64(i)),
                    indicators: .init(addresses: [.v4(UInt32(i))]), summary: "s"))
        }
        #expect(finding.uids.count == Finding.maxListCount)
        #expect(finding.indicators.addresses.count == Finding.maxListCount)
        #expect(finding.lastSeen == t + .seconds(99))
    }

    @Test func severityOrderAndCoding() {
        #expect(Severity.allCases.sorted() == [.info, .low, .medium, .high, .critical])
        #expect(Severity.critical > .high && Severity.info < .low)
        #expect(Finding.makeID(detector: "injection-callback", key: "a/1.2.3.4") == "injection-callback:a/1.2.3.4")
    }
}

@Suite struct FindingCodingTests {
    @Test func storyFindingRoundTripsThroughJSON() throws {
        let (engine, _) = DetectionEngineTests.replay(DetectionEngineTests.storyConfiguration())
        let findings = engine.findings
        let data = try JSONEncoder().encode(findings)
        let decoded = try JSONDecoder().decode([Finding].self, from: data)
        #expect(decoded == findings)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"severity\":\"critical\""))
    }
}

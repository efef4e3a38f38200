import FleetModel
import Testing

@testable import Detectors

/// The period a beaconing finding reports is rounded, not truncated: a 2 s beacon whose gaps are a few
/// milliseconds short of 2 s (as a real implant sleeping 2 s ± 50 ms shows) is "every ~2 s".
@Suite struct BeaconingPeriodTests {
    @Test func periodIsRoundedInSummaryAndEvidence() throws {
        var engine = DetectionEngine(configuration: .offline)
        let c2 = try #require(IPAddress("91.92.109.44"))
        var batch = RecordBatch()
        for i in 0..<25 {
            batch.conns.append(
                StoryBuilder.conn(
                    "B\(i)", at: Double(i) * 1.996, StoryBuilder.vm, UInt16(30000 + i), c2, 8443, duration: 0.01,
                    bytes: (312, 64)))
        }
        _ = engine.ingest(batch, agent: "vm-1")
        let beacon = try #require(engine.findings.first { $0.detector == BeaconingDetector.name })
        #expect(beacon.summary.contains("every ~2 s"))
        #expect(beacon.evidence.contains { $0.key == "median_interval_s" && $0.value == "2.0" })
    }
}

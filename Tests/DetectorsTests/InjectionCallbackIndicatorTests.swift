import FleetModel
import Testing

@testable import Detectors

/// The story's attacker sends the injection from the same address the shell calls back to.
@Suite struct InjectionCallbackIndicatorTests {
    @Test func attackerThatIsAlsoTheCallbackIsListedOnce() throws {
        let http = HTTPRecord(
            ts: StoryBuilder.time(100), uid: "H",
            id: ConnID(
                originatorHost: StoryBuilder.callback, originatorPort: 52814, responderHost: StoryBuilder.vm,
                responderPort: 3000),
            transDepth: 1, method: "GET", uri: StoryBuilder.injectionShellURI)
        let shell = StoryBuilder.conn("C1", at: 100.3, StoryBuilder.vm, 41862, StoryBuilder.callback, 3000, duration: 5)
        var engine = DetectionEngine(configuration: .offline)
        var batch = RecordBatch()
        batch.http = [http]
        batch.conns = [shell]
        _ = engine.ingest(batch, agent: "vm-api")
        let critical = try #require(engine.findings.first { $0.detector == InjectionCallbackDetector.name })
        #expect(critical.indicators.addresses == [StoryBuilder.callback])
        #expect(critical.evidence.contains { $0.key == "attacker" && $0.value == StoryBuilder.callback.description })
    }
}

import Capture
import Foundation
import Testing

/// Live capture on a veth pair of our own; needs root (CI runs as root).
@Suite(.serialized, .enabled(if: geteuid() == 0, "live capture needs root or CAP_NET_RAW"))
struct LiveCaptureTests {
    @Test(.timeLimit(.minutes(1)))
    func capturesUDPSentFromNamespace() async throws {
        let fixture = try NetnsFixture()
        defer { fixture.tearDown() }
        var configuration = LiveCaptureConfiguration(interface: fixture.hostInterface)
        configuration.filter = "udp and dst port 40123"
        configuration.timeoutMilliseconds = 50
        let capture = try LiveCapture(configuration: configuration)
        #expect(capture.linkType == 1)
        let stream = capture.packetBatches()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(5))
            capture.stop()
        }
        defer { watchdog.cancel() }

        try fixture.runInNamespace(
            "for i in 1 2 3; do printf \"fleetwatch-$i\" > /dev/udp/\(NetnsFixture.hostAddress)/40123; done"
        )

        var payloads: [String] = []
        for try await batch in stream {
            batch.forEach { frame, _, wireLength in
                #expect(wireLength == frame.count)
                // Ethernet (14) + IPv4 (20, no options) + UDP (8).
                guard frame.count >= 42 else { return }
                #expect(Array(frame[0..<6]) == [0x02, 0x00, 0x0A, 0xC8, 0x00, 0x01])
                #expect(Array(frame[12..<14]) == [0x08, 0x00])
                #expect(Array(frame[26..<34]) == [10, 200, 0, 2, 10, 200, 0, 1])
                #expect(Array(frame[36..<38]) == [0x9C, 0xBB])  // 40123
                payloads.append(String(decoding: frame[42...], as: UTF8.self))
            }
            if payloads.count >= 3 { capture.stop() }
        }
        #expect(payloads == ["fleetwatch-1", "fleetwatch-2", "fleetwatch-3"])
        let statistics = capture.statistics
        #expect(statistics.received >= 3)
        #expect(statistics.deliveredPackets == 3)
        #expect(statistics.kernelDropped == 0)
        #expect(statistics.consumerDroppedBatches == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func stopEndsAnIdleCaptureAndSecondStartFails() async throws {
        var configuration = LiveCaptureConfiguration(interface: "lo")
        configuration.filter = "udp port 1 and udp port 2"  // matches nothing
        configuration.timeoutMilliseconds = 1000
        let capture = try LiveCapture(configuration: configuration)
        let stream = capture.packetBatches()
        let started = ContinuousClock.now
        Task {
            try await Task.sleep(for: .milliseconds(100))
            capture.stop()
        }
        var batches = 0
        for try await batch in stream where !batch.isEmpty { batches += 1 }
        #expect(batches == 0)
        #expect(ContinuousClock.now - started < .seconds(3))

        var failure: CaptureError?
        do {
            for try await _ in capture.packetBatches() {}
        } catch let error as CaptureError {
            failure = error
        }
        #expect(failure.map { $0 == CaptureError.invalidState($0.message) } == true)
    }

    @Test func badFilterReportsLibpcapMessage() {
        var configuration = LiveCaptureConfiguration(interface: "lo")
        configuration.filter = "udp port ((("
        do {
            _ = try LiveCapture(configuration: configuration)
            Issue.record("a bad filter was accepted")
        } catch {
            #expect(error == CaptureError.badFilter(error.message))
            #expect(error.message.contains("udp port ((("))
            #expect(error.message.count > "udp port (((: ".count)
        }
    }

    @Test func missingInterfaceFailsToActivate() {
        do {
            _ = try LiveCapture(configuration: LiveCaptureConfiguration(interface: "fwnosuchif0"))
            Issue.record("capture on a missing interface opened")
        } catch {
            #expect(error == CaptureError.activateFailed(error.message))
        }
    }
}

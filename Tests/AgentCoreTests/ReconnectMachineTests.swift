import AgentCore
import Testing

@Suite struct ReconnectMachineTests {
    @Test func failuresBackOffWithGrowingCeilingsAndSuccessResets() {
        var generator = SplitMix64(seed: 5)
        let configuration = Backoff.Configuration(initial: .milliseconds(100), maximum: .seconds(1))
        var machine = ReconnectMachine(backoff: Backoff(configuration: configuration))
        #expect(machine.start() == .connect)
        #expect(machine.start() == .none)
        for attempt in 0..<6 {
            guard case .wait(let delay) = machine.connectFailed(using: &generator) else {
                Issue.record("no wait after failure \(attempt)")
                return
            }
            #expect(delay <= Backoff(configuration: configuration).ceiling(forAttempt: attempt))
            #expect(machine.state == .waiting)
            #expect(machine.connectFailed(using: &generator) == .none)  // not connecting now
            #expect(machine.delayElapsed() == .connect)
        }
        #expect(machine.failedAttempts == 6)
        #expect(machine.backoff.attempt == 6)
        #expect(machine.connectSucceeded() == .none)
        #expect(machine.state == .connected)
        #expect(machine.backoff.attempt == 0)
        guard case .wait(let delay) = machine.connectionLost(using: &generator) else {
            Issue.record("no wait after a lost connection")
            return
        }
        #expect(delay <= .milliseconds(100))
        #expect(machine.lostConnections == 1)
    }

    @Test func stopClosesAnOpenConnectionAndIgnoresLaterEvents() {
        var generator = SplitMix64(seed: 1)
        var machine = ReconnectMachine()
        _ = machine.start()
        _ = machine.connectSucceeded()
        #expect(machine.stop() == .close)
        #expect(machine.connectionLost(using: &generator) == .none)
        #expect(machine.delayElapsed() == .none)
        #expect(machine.start() == .none)
        #expect(machine.state == .stopped)

        var waiting = ReconnectMachine()
        _ = waiting.start()
        _ = waiting.connectFailed(using: &generator)
        #expect(waiting.stop() == .none)
    }
}

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

@Suite struct ReconnectMachineFailoverTests {
    static let backoff = Backoff.Configuration(initial: .milliseconds(100), maximum: .seconds(10))

    @Test func failedAttemptsMoveOnAtOnceAndBackOffOncePerRound() {
        var generator = SplitMix64(seed: 7)
        var machine = ReconnectMachine(backoff: Backoff(configuration: Self.backoff), endpointCount: 3)
        #expect(machine.start() == .connect)
        #expect(machine.endpoint == 0)
        for round in 0..<4 {
            #expect(machine.connectFailed(using: &generator) == .connect)
            #expect(machine.endpoint == 1)
            #expect(machine.state == .connecting)
            #expect(machine.connectFailed(using: &generator) == .connect)
            #expect(machine.endpoint == 2)
            guard case .wait(let delay) = machine.connectFailed(using: &generator) else {
                Issue.record("no wait after round \(round)")
                return
            }
            #expect(delay <= Backoff(configuration: Self.backoff).ceiling(forAttempt: round))
            #expect(machine.endpoint == 0)
            #expect(machine.state == .waiting)
            #expect(machine.backoff.attempt == round + 1)  // one backoff step per round, not per endpoint
            #expect(machine.delayElapsed() == .connect)
        }
        #expect(machine.failedAttempts == 12)
        #expect(machine.failovers == 0)
    }

    @Test func deadFirstEndpointFailsOverToTheSecond() {
        var generator = SplitMix64(seed: 1)
        var machine = ReconnectMachine(backoff: Backoff(configuration: Self.backoff), endpointCount: 2)
        _ = machine.start()
        #expect(machine.connectFailed(using: &generator) == .connect)
        #expect(machine.connectSucceeded() == .none)
        #expect(machine.currentEndpoint == 1)
        #expect(machine.failovers == 1)
        #expect(machine.backoff.attempt == 0)
    }

    @Test func lostSessionFailsOverAtOnceAndStaysOnTheNewEndpoint() {
        var generator = SplitMix64(seed: 3)
        var machine = ReconnectMachine(backoff: Backoff(configuration: Self.backoff), endpointCount: 2)
        _ = machine.start()
        _ = machine.connectSucceeded()
        #expect(machine.failovers == 0)
        machine.sessionDelivered()
        #expect(machine.connectionLost(using: &generator) == .connect)
        #expect(machine.endpoint == 1)
        _ = machine.connectSucceeded()
        #expect(machine.currentEndpoint == 1)
        #expect(machine.failovers == 1)
        machine.sessionDelivered()
        // The second one dies too, and the first is still down: a full round, so a wait.
        #expect(machine.connectionLost(using: &generator) == .connect)
        #expect(machine.endpoint == 0)
        guard case .wait = machine.connectFailed(using: &generator) else {
            Issue.record("no wait after a full round")
            return
        }
        #expect(machine.endpoint == 1)
        #expect(machine.delayElapsed() == .connect)
        _ = machine.connectSucceeded()
        #expect(machine.failovers == 1)  // back on the endpoint of the previous session
        #expect(machine.lostConnections == 2)
    }

    @Test func sessionsThatDieBeforeDeliveringStillBackOffOncePerRound() {
        // Two aggregators that accept the hello and then drop the session at once must not make
        // the agent reconnect in a hot loop.
        var generator = SplitMix64(seed: 9)
        var machine = ReconnectMachine(backoff: Backoff(configuration: Self.backoff), endpointCount: 2)
        _ = machine.start()
        var waits = 0
        for _ in 0..<10 {
            _ = machine.connectSucceeded()
            switch machine.connectionLost(using: &generator) {
            case .wait:
                waits += 1
                _ = machine.delayElapsed()
            case .connect: break
            default: Issue.record("unexpected action")
            }
        }
        #expect(waits == 5)
    }
}

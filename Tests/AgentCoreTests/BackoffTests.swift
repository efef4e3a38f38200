import AgentCore
import Testing

@Suite struct BackoffTests {
    @Test func ceilingsDoubleUpToTheCap() {
        let backoff = Backoff(configuration: .init(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2))
        let ceilings = (0..<7).map { backoff.ceiling(forAttempt: $0) }
        #expect(ceilings == [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
            .seconds(1), .seconds(1), .seconds(1),
        ])
        #expect(backoff.ceiling(forAttempt: 10_000) == .seconds(1))
        #expect(backoff.ceiling(forAttempt: .max) == .seconds(1))
    }

    @Test func hugeValuesSaturateInsteadOfOverflowing() {
        let backoff = Backoff(configuration: .init(initial: .seconds(1_000_000_000), maximum: .seconds(9_000_000_000)))
        #expect(backoff.ceiling(forAttempt: 200) <= .seconds(9_000_000_000))
        #expect(backoff.ceiling(forAttempt: 200) > .seconds(1_000_000_000))
    }

    @Test func delaysStayWithinFullJitterBoundsAndSpread() {
        var generator = SplitMix64(seed: 42)
        var backoff = Backoff(configuration: .init(initial: .milliseconds(100), maximum: .seconds(2)))
        for attempt in 0..<12 {
            let ceiling = backoff.ceiling(forAttempt: attempt)
            let delay = backoff.nextDelay(using: &generator)
            #expect(delay >= .zero && delay <= ceiling, "attempt \(attempt): \(delay) > \(ceiling)")
            #expect(backoff.attempt == attempt + 1)
        }
        // Full jitter: many draws at the cap cover the whole range, not just the top.
        var draws: [Duration] = []
        for _ in 0..<1000 { draws.append(backoff.nextDelay(using: &generator)) }
        #expect(draws.allSatisfy { $0 >= .zero && $0 <= .seconds(2) })
        #expect(draws.contains { $0 < .milliseconds(200) })
        #expect(draws.contains { $0 > .milliseconds(1800) })
        #expect(Set(draws).count > 900)
    }

    @Test func sameSeedSameDelays() {
        func delays(seed: UInt64) -> [Duration] {
            var generator = SplitMix64(seed: seed)
            var backoff = Backoff()
            return (0..<10).map { _ in backoff.nextDelay(using: &generator) }
        }
        #expect(delays(seed: 7) == delays(seed: 7))
        #expect(delays(seed: 7) != delays(seed: 8))
    }

    @Test func resetStartsOverFromTheInitialCeiling() {
        var generator = SplitMix64(seed: 1)
        var backoff = Backoff(configuration: .init(initial: .milliseconds(50), maximum: .seconds(30)))
        for _ in 0..<8 { _ = backoff.nextDelay(using: &generator) }
        #expect(backoff.attempt == 8)
        backoff.reset()
        #expect(backoff.attempt == 0)
        for _ in 0..<100 {
            var copy = backoff
            #expect(copy.nextDelay(using: &generator) <= .milliseconds(50))
        }
    }

    @Test func zeroInitialNeverWaits() {
        var generator = SplitMix64(seed: 3)
        var backoff = Backoff(configuration: .init(initial: .zero, maximum: .zero))
        #expect(backoff.nextDelay(using: &generator) == .zero)
    }
}

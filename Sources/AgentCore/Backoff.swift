/// Exponential backoff with full jitter for reconnecting to the aggregator.
///
/// Attempt `n` (from 0) waits a uniformly random time in `0 ... min(maximum, initial × multiplierⁿ)`
/// (AWS's "full jitter"), so a fleet of agents that lost the aggregator together does not
/// reconnect in lockstep. The random source is passed in; `reset()` after a successful connection.
public struct Backoff: Sendable, Hashable {
    /// The curve's parameters.
    public struct Configuration: Sendable, Hashable {
        /// Ceiling of the first wait.
        public var initial: Duration
        /// Ceiling of every wait.
        public var maximum: Duration
        /// Growth of the ceiling per attempt.
        public var multiplier: Int

        /// - Parameters: see the properties; `multiplier` is clamped to at least 1 and `maximum`
        ///   to at least `initial`.
        public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(30), multiplier: Int = 2) {
            self.initial = max(.zero, initial)
            self.maximum = max(self.initial, maximum)
            self.multiplier = max(1, multiplier)
        }
    }

    public let configuration: Configuration
    /// Failed attempts since the last reset.
    public private(set) var attempt = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The upper bound of the wait before attempt `attempt` (no jitter), saturating at `maximum`.
    public func ceiling(forAttempt attempt: Int) -> Duration {
        let maximum = Self.nanoseconds(configuration.maximum)
        var ceiling = Self.nanoseconds(configuration.initial)
        var step = 0
        while step < attempt && ceiling < maximum {
            let (product, overflow) = ceiling.multipliedReportingOverflow(by: Int64(configuration.multiplier))
            ceiling = overflow ? maximum : product
            if configuration.multiplier == 1 { break }
            step += 1
        }
        return .nanoseconds(min(ceiling, maximum))
    }

    /// Returns the wait before the next attempt and counts the attempt.
    public mutating func nextDelay(using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = Self.nanoseconds(ceiling(forAttempt: attempt))
        if attempt < Int.max { attempt += 1 }
        guard ceiling > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...ceiling, using: &generator))
    }

    /// Forgets failed attempts (call after a successful connection).
    public mutating func reset() {
        attempt = 0
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? 0 : Int64.max }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? Int64.max : max(0, total)
    }
}

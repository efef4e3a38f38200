/// The shipper's connection life cycle: connect, back off after failures, reconnect after losses.
///
/// A pure state machine (style rule 7): events in, one `Action` out. Pair it with the
/// `DeliveryLedger`: on `.connected` call `ledger.connected()`, on a loss `ledger.disconnected()`.
public struct ReconnectMachine: Sendable {
    /// Where the connection stands.
    public enum State: Sendable, Hashable {
        case idle
        case connecting
        case connected
        /// Waiting out a backoff delay before the next attempt.
        case waiting
        case stopped
    }

    /// What the runtime must do.
    public enum Action: Sendable, Hashable {
        /// Open a connection (and do the handshake); report `connectSucceeded` or `connectFailed`.
        case connect
        /// Sleep this long, then report `delayElapsed`.
        case wait(Duration)
        /// Close the current connection (shutdown).
        case close
        /// Nothing to do.
        case none
    }

    public private(set) var state: State = .idle
    public private(set) var backoff: Backoff
    /// Connection attempts that failed since the agent started.
    public private(set) var failedAttempts: UInt64 = 0
    /// Established connections that were lost.
    public private(set) var lostConnections: UInt64 = 0

    public init(backoff: Backoff = Backoff()) {
        self.backoff = backoff
    }

    /// The shipper starts.
    public mutating func start() -> Action {
        guard state == .idle else { return .none }
        state = .connecting
        return .connect
    }

    /// The connection and handshake succeeded: the backoff starts over.
    public mutating func connectSucceeded() -> Action {
        guard state == .connecting else { return .none }
        state = .connected
        backoff.reset()
        return .none
    }

    /// The attempt failed: wait a jittered, growing delay.
    public mutating func connectFailed(using generator: inout some RandomNumberGenerator) -> Action {
        guard state == .connecting else { return .none }
        failedAttempts += 1
        state = .waiting
        return .wait(backoff.nextDelay(using: &generator))
    }

    /// An established connection broke: wait before reconnecting (the first wait is short, as the
    /// backoff was reset when the connection was made).
    public mutating func connectionLost(using generator: inout some RandomNumberGenerator) -> Action {
        guard state == .connected else { return .none }
        lostConnections += 1
        state = .waiting
        return .wait(backoff.nextDelay(using: &generator))
    }

    /// The backoff delay is over: try again.
    public mutating func delayElapsed() -> Action {
        guard state == .waiting else { return .none }
        state = .connecting
        return .connect
    }

    /// Shutdown: close what is open; every later event is ignored.
    public mutating func stop() -> Action {
        let wasConnected = state == .connected
        state = .stopped
        return wasConnected ? .close : .none
    }
}

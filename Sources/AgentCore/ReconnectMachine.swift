/// The shipper's connection life cycle over an ordered list of aggregator endpoints: connect,
/// fail over to the next endpoint, back off after a full round of failures, reconnect after losses.
///
/// A pure state machine (style rule 7): events in, one `Action` out. Pair it with the
/// `DeliveryLedger`: on `.connected` call `ledger.connected()`, on a loss `ledger.disconnected()`.
///
/// Failover policy (``endpoint`` is the index to connect to next, or the one connected to):
/// - the shipper stays on an endpoint while its session works (no fail-back to the first one);
/// - a failed attempt (connect error, refused or timed-out hello) or a lost session moves to the
///   next endpoint in the list, wrapping around;
/// - the jittered backoff is waited once per full round of the list: after `endpointCount`
///   consecutive moves without a session that delivered anything (``sessionDelivered()``), so
///   failing over to a live endpoint is immediate while a fleet-wide outage still backs off;
/// - the backoff starts over when a connection succeeds (as with a single endpoint).
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
        /// Open a connection to ``ReconnectMachine/endpoint`` (and do the handshake); report
        /// `connectSucceeded` or `connectFailed`.
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
    /// Number of endpoints in the list (at least 1).
    public let endpointCount: Int
    /// The endpoint being connected to, connected to, or to be tried after the current wait.
    public private(set) var endpoint = 0
    /// The endpoint of the last established session (the first one before any session).
    public private(set) var currentEndpoint = 0
    /// Connection attempts that failed since the agent started.
    public private(set) var failedAttempts: UInt64 = 0
    /// Established connections that were lost.
    public private(set) var lostConnections: UInt64 = 0
    /// Sessions established on another endpoint than the previous session's (or, for the first
    /// session, than the first endpoint of the list).
    public private(set) var failovers: UInt64 = 0
    /// Moves to the next endpoint since the last backoff wait or delivering session.
    public private(set) var movesInRound = 0

    /// Creates an idle machine.
    /// - Parameter endpointCount: how many endpoints the list holds (clamped to at least 1).
    public init(backoff: Backoff = Backoff(), endpointCount: Int = 1) {
        self.backoff = backoff
        self.endpointCount = max(1, endpointCount)
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
        if endpoint != currentEndpoint {
            failovers += 1
            currentEndpoint = endpoint
        }
        return .none
    }

    /// The established session delivered something (the aggregator acknowledged a batch): the
    /// endpoint works, so the next loss starts a new round of the list.
    public mutating func sessionDelivered() {
        guard state == .connected else { return }
        movesInRound = 0
    }

    /// The attempt failed: try the next endpoint at once, or wait a jittered, growing delay after
    /// a full round of the list.
    public mutating func connectFailed(using generator: inout some RandomNumberGenerator) -> Action {
        guard state == .connecting else { return .none }
        failedAttempts += 1
        return moveOn(using: &generator)
    }

    /// An established connection broke: fail over to the next endpoint at once, or (with a single
    /// endpoint, or at the end of a round) wait first; the first wait is short, as the backoff was
    /// reset when the connection was made.
    public mutating func connectionLost(using generator: inout some RandomNumberGenerator) -> Action {
        guard state == .connected else { return .none }
        lostConnections += 1
        return moveOn(using: &generator)
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

    private mutating func moveOn(using generator: inout some RandomNumberGenerator) -> Action {
        endpoint = (endpoint + 1) % endpointCount
        movesInRound += 1
        if movesInRound < endpointCount {
            state = .connecting
            return .connect
        }
        movesInRound = 0
        state = .waiting
        return .wait(backoff.nextDelay(using: &generator))
    }
}

/// The acknowledgement deadline of one established session: while batches are outstanding
/// (sent, not yet acknowledged), an acknowledgement must arrive at least every `timeout`; with
/// nothing outstanding the session may stay quiet for as long as it likes.
///
/// A pure state machine (style rule 7) over an injected clock's instants: the runtime reports
/// sends, acknowledgements and the firing of the one check it keeps scheduled, and executes the
/// returned ``Action``. The check is lazy: an acknowledgement only moves the deadline, and a check
/// that fires early (the deadline moved) asks for another one at the new deadline, so there is at
/// most one timer per session however many batches and acks pass.
///
/// What the deadline measures: from the send that made something outstanding (nothing was
/// before), or from the last acknowledgement while something still is, to now. Sends while
/// batches are outstanding do not move it (a steady stream of sends must not hide a silent
/// aggregator). Any acknowledgement counts as a sign of life, also one the ledger finds stale:
/// the aggregator answers batches in order, one at a time.
public struct AckDeadline<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// What the runtime must do.
    public enum Action: Sendable, Hashable {
        /// Nothing.
        case none
        /// Schedule the check (report ``AckDeadline/checkFired(at:)``) at this instant.
        case checkAt(Instant)
        /// The deadline passed: close the session (batches waited `waited` for an acknowledgement).
        /// Every later event returns `.none`.
        case expire(waited: Duration)
    }

    /// Longest wait for an acknowledgement while batches are outstanding.
    public let timeout: Duration
    /// Highest sequence sent on this session (0: none).
    public private(set) var highestSent: UInt64 = 0
    /// Highest sequence acknowledged on this session (0: none).
    public private(set) var highestAcknowledged: UInt64 = 0
    /// Start of the wait the deadline measures; nil while nothing is outstanding.
    public private(set) var waitingSince: Instant?
    /// Whether a check is scheduled (the runtime executed a `.checkAt` that has not fired yet).
    public private(set) var checkScheduled = false
    /// Whether the deadline passed (the session is being closed).
    public private(set) var hasExpired = false

    /// A session with nothing sent yet.
    /// - Parameter timeout: longest wait for an acknowledgement (at least one millisecond).
    public init(timeout: Duration) {
        self.timeout = max(timeout, .milliseconds(1))
    }

    /// Whether batches are sent and not yet acknowledged.
    public var isOutstanding: Bool { highestSent > highestAcknowledged }

    /// When the session expires unless an acknowledgement arrives first; nil while nothing is outstanding.
    public var deadline: Instant? { waitingSince.map { $0.advanced(by: timeout) } }

    /// Batch `sequence` was sent (or its write started) at `now`.
    /// - Returns: `.checkAt` when this send made something outstanding and no check is scheduled.
    public mutating func sent(sequence: UInt64, at now: Instant) -> Action {
        guard !hasExpired else { return .none }
        let wasOutstanding = isOutstanding
        highestSent = max(highestSent, sequence)
        guard isOutstanding, !wasOutstanding else { return .none }
        waitingSince = now
        return scheduleCheck()
    }

    /// The aggregator acknowledged every batch up to `sequence` at `now`: the wait starts over, or
    /// ends when nothing is outstanding any more. Never schedules anything (the pending check
    /// reschedules itself when it finds the deadline moved).
    public mutating func acknowledged(through sequence: UInt64, at now: Instant) {
        guard !hasExpired else { return }
        highestAcknowledged = max(highestAcknowledged, sequence)
        waitingSince = isOutstanding ? now : nil
    }

    /// The scheduled check fired at `now`.
    /// - Returns: `.expire` when the deadline passed, `.checkAt` the new deadline when it moved,
    ///   `.none` when nothing is outstanding (the next send schedules a check again).
    public mutating func checkFired(at now: Instant) -> Action {
        checkScheduled = false
        guard !hasExpired, let waitingSince, let deadline else { return .none }
        guard now >= deadline else { return scheduleCheck() }
        hasExpired = true
        return .expire(waited: waitingSince.duration(to: now))
    }

    private mutating func scheduleCheck() -> Action {
        guard !checkScheduled, let deadline else { return .none }
        checkScheduled = true
        return .checkAt(deadline)
    }
}

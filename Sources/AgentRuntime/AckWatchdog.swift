import AgentCore
import NIOCore
import NIOSSL
import Synchronization

/// Runs one session's ``AckDeadline`` on the connection's event loop: the shipper reports sends,
/// the connection task reports acknowledgements as they arrive, and the one scheduled check
/// closes the channel when batches waited `timeout` without any acknowledgement.
///
/// The check runs on the event loop, not in the shipper's task, because that task may itself be
/// stuck in a write to the silent aggregator (its receive window full); closing the channel fails
/// that write and frees it. Sendable: all state is behind one mutex (the event loop's scheduling
/// calls are thread-safe and are made under it, so a check is never scheduled twice).
final class AckWatchdog: Sendable {
    private struct State: Sendable {
        var deadline: AckDeadline<ContinuousClock.Instant>
        var scheduled: Scheduled<Void>?
        var stopped = false
        /// How long batches had waited when the deadline closed the session.
        var expiredAfter: Duration?
    }

    private let channel: any Channel
    private let state: Mutex<State>

    /// A watchdog for the session on `channel`.
    init(timeout: Duration, channel: any Channel) {
        self.channel = channel
        state = Mutex(State(deadline: AckDeadline(timeout: timeout)))
    }

    /// The deadline's timeout.
    var timeout: Duration { state.withLock { $0.deadline.timeout } }

    /// How long batches had waited for an acknowledgement when the deadline closed the session;
    /// nil while it has not.
    var expiredAfter: Duration? { state.withLock { $0.expiredAfter } }

    /// Batch `sequence` is being written (call before the write, which may wait for the peer).
    func sent(sequence: UInt64) {
        state.withLock { state in
            guard !state.stopped else { return }
            execute(state.deadline.sent(sequence: sequence, at: .now), &state)
        }
    }

    /// The aggregator acknowledged every batch up to `sequence`.
    func acknowledged(through sequence: UInt64) {
        state.withLock { $0.deadline.acknowledged(through: sequence, at: .now) }
    }

    /// The session ended: cancels the pending check.
    func stop() {
        let scheduled = state.withLock { state in
            state.stopped = true
            defer { state.scheduled = nil }
            return state.scheduled
        }
        scheduled?.cancel()
    }

    /// The scheduled check (on the event loop).
    private func checkFired() {
        state.withLock { state in
            state.scheduled = nil
            guard !state.stopped else { return }
            execute(state.deadline.checkFired(at: .now), &state)
        }
    }

    private func execute(_ action: AckDeadline<ContinuousClock.Instant>.Action, _ state: inout State) {
        switch action {
        case .none:
            break
        case .checkAt(let instant):
            let delay = ShipperConnector.timeAmount(ContinuousClock.now.duration(to: instant))
            state.scheduled = channel.eventLoop.scheduleTask(in: delay) { [self] in checkFired() }
        case .expire(let waited):
            state.expiredAfter = waited
            state.stopped = true
            let channel = self.channel
            channel.eventLoop.execute { Self.abort(channel) }
        }
    }

    /// Closes `channel` at once (on its event loop). With TLS the close starts below the TLS
    /// handler: a clean TLS shutdown would wait (up to NIOSSL's 5 s) for a `close_notify` the
    /// silent peer never sends.
    static func abort(_ channel: any Channel) {
        if let tls = try? channel.pipeline.syncOperations.context(handlerType: NIOSSLClientHandler.self) {
            tls.close(promise: nil)
        } else {
            channel.close(promise: nil)
        }
    }
}

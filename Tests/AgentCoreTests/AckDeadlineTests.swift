import AgentCore
import Testing

/// A manual clock's instant: milliseconds since the test started.
struct At: InstantProtocol, CustomStringConvertible {
    var offset: Duration
    init(_ milliseconds: Int64) { offset = .milliseconds(milliseconds) }
    init(offset: Duration) { self.offset = offset }
    func advanced(by duration: Duration) -> At { At(offset: offset + duration) }
    func duration(to other: At) -> Duration { other.offset - offset }
    static func < (lhs: At, rhs: At) -> Bool { lhs.offset < rhs.offset }
    var description: String { "t+\(offset)" }
}

@Suite struct AckDeadlineTests {
    typealias Deadline = AckDeadline<At>

    @Test func firstSendArmsOneCheckAndLaterSendsDoNotMoveIt() {
        var deadline = Deadline(timeout: .seconds(30))
        #expect(!deadline.isOutstanding)
        #expect(deadline.deadline == nil)
        #expect(deadline.sent(sequence: 1, at: At(1_000)) == .checkAt(At(31_000)))
        #expect(deadline.checkScheduled)
        // A steady stream of sends must not push the deadline out.
        #expect(deadline.sent(sequence: 2, at: At(20_000)) == .none)
        #expect(deadline.sent(sequence: 3, at: At(30_000)) == .none)
        #expect(deadline.deadline == At(31_000))
        #expect(deadline.checkFired(at: At(31_000)) == .expire(waited: .seconds(30)))
        #expect(deadline.hasExpired)
        // Expired is final.
        deadline.acknowledged(through: 3, at: At(31_001))
        #expect(deadline.sent(sequence: 4, at: At(31_002)) == .none)
        #expect(deadline.checkFired(at: At(90_000)) == .none)
    }

    @Test func eachAcknowledgementStartsTheWaitOverAndTheCheckFollowsLazily() {
        var deadline = Deadline(timeout: .milliseconds(300))
        #expect(deadline.sent(sequence: 1, at: At(0)) == .checkAt(At(300)))
        for sequence in 2...8 { #expect(deadline.sent(sequence: UInt64(sequence), at: At(1)) == .none) }
        // A slow aggregator: one ack every 100 ms, 800 ms for the window, never 300 ms of silence.
        deadline.acknowledged(through: 1, at: At(100))
        deadline.acknowledged(through: 2, at: At(200))
        #expect(deadline.checkFired(at: At(300)) == .checkAt(At(500)))  // moved: check again then
        deadline.acknowledged(through: 3, at: At(300))
        deadline.acknowledged(through: 4, at: At(400))
        #expect(deadline.checkFired(at: At(500)) == .checkAt(At(700)))
        deadline.acknowledged(through: 7, at: At(700))
        #expect(deadline.checkFired(at: At(700)) == .checkAt(At(1_000)))
        // Then it stops acknowledging batch 8.
        #expect(deadline.checkFired(at: At(1_000)) == .expire(waited: .milliseconds(300)))
    }

    @Test func nothingOutstandingMeansNoDeadlineHoweverLongTheSilence() {
        var deadline = Deadline(timeout: .seconds(1))
        #expect(deadline.sent(sequence: 5, at: At(0)) == .checkAt(At(1_000)))
        deadline.acknowledged(through: 5, at: At(10))
        #expect(!deadline.isOutstanding)
        #expect(deadline.deadline == nil)
        // The pending check finds nothing to wait for and is not renewed: an idle session has no timer.
        #expect(deadline.checkFired(at: At(1_000)) == .none)
        #expect(!deadline.checkScheduled)
        #expect(deadline.checkFired(at: At(3_600_000)) == .none)
        #expect(!deadline.hasExpired)
        // An hour later the next send arms a fresh deadline from its own time.
        #expect(deadline.sent(sequence: 6, at: At(3_600_000)) == .checkAt(At(3_601_000)))
        #expect(deadline.checkFired(at: At(3_600_999)) == .checkAt(At(3_601_000)))
        #expect(deadline.checkFired(at: At(3_601_000)) == .expire(waited: .seconds(1)))
    }

    @Test func sendAfterIdleWithACheckStillPendingDoesNotScheduleASecond() {
        var deadline = Deadline(timeout: .seconds(1))
        #expect(deadline.sent(sequence: 1, at: At(0)) == .checkAt(At(1_000)))
        deadline.acknowledged(through: 1, at: At(100))
        // Outstanding again before the first check fired: that check will follow the new deadline.
        #expect(deadline.sent(sequence: 2, at: At(200)) == .none)
        #expect(deadline.deadline == At(1_200))
        #expect(deadline.checkFired(at: At(1_000)) == .checkAt(At(1_200)))
        #expect(deadline.checkFired(at: At(1_200)) == .expire(waited: .seconds(1)))
    }

    @Test func staleAndAheadAcknowledgementsCountAsLifeButNeverMakeThingsOutstanding() {
        var deadline = Deadline(timeout: .seconds(1))
        _ = deadline.sent(sequence: 10, at: At(0))
        _ = deadline.sent(sequence: 11, at: At(0))
        deadline.acknowledged(through: 3, at: At(900))  // a duplicate's ack: the aggregator is alive
        #expect(deadline.isOutstanding)
        #expect(deadline.deadline == At(1_900))
        deadline.acknowledged(through: 12, at: At(950))  // beyond what was sent
        #expect(!deadline.isOutstanding)
        #expect(deadline.sent(sequence: 12, at: At(1_000)) == .none)  // already acknowledged: nothing waits
        #expect(deadline.checkFired(at: At(1_000)) == .none)
    }

    @Test func timeoutIsAtLeastAMillisecond() {
        #expect(Deadline(timeout: .zero).timeout == .milliseconds(1))
        #expect(Deadline(timeout: .seconds(-5)).timeout == .milliseconds(1))
    }
}

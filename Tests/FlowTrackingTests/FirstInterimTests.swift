import FleetModel
import FlowTracking
import PacketLayers
import Testing

/// `FlowConfiguration.firstInterimDelay`: an open TCP connection is reported early, then on the regular schedule.
@Suite struct FirstInterimTests {
    static let second: Int64 = 1_000_000

    /// Handshake at t = 0, then one data segment from the client at each of `times` (seconds after the start).
    static func openConnection(_ h: inout TrackerHarness, dataAt times: [Int64]) {
        let start = h.clock
        h.tcp(flags: .syn, seq: 100)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.syn, .ack], seq: 5000, ack: 101)
        h.tcp(flags: .ack, seq: 101, ack: 5001)
        var seq: UInt32 = 101
        for time in times {
            h.clock = start + time * second
            h.tcp(flags: [.ack, .psh], seq: seq, ack: 5001, payload: [0x69, 0x64, 0x0a])
            seq += 3
        }
    }

    /// Seconds from each interim record's start to its last packet.
    static func interimOffsets(_ records: [ConnRecord]) -> [Int64] {
        records.filter(\.interim).map { ($0.duration?.microseconds ?? 0) / second }
    }

    @Test func openConnectionIsReportedAfterTheDelayThenEveryInterval() {
        var h = TrackerHarness()
        let start = h.clock
        Self.openConnection(&h, dataAt: [1, 2, 3, 4, 6, 30, 59, 61, 100, 121, 130])
        let before = h.tracker.drain().conns
        let records = before + h.finish()
        let interims = records.filter(\.interim)
        // Early at 5 s (emitted when the 6 s packet moves time on), then at 60 s and 120 s from the start.
        #expect(interims.count == 3)
        #expect(interims.first?.ts.microseconds == start)
        #expect(interims.first?.duration == .seconds(4))  // last packet before the 5 s timer: 4 s
        #expect(interims.first?.connState == .S1)
        #expect(Self.interimOffsets(interims) == [4, 59, 100])
        #expect(records.filter { !$0.interim }.count == 1)
        #expect(Set(records.map(\.uid)).count == 1)
        #expect(h.tracker.counters.interimRecords == 3)
    }

    @Test func interimRecordsComeBeforeTheFinalOne() {
        var h = TrackerHarness()
        Self.openConnection(&h, dataAt: [1, 7])
        let records = h.finish()
        #expect(records.map(\.interim) == [true, false])
        #expect(records.last?.originatorBytes == 6)
        #expect(records.first?.originatorBytes == 3)
    }

    @Test func connectionClosedBeforeTheDelayGetsNoInterim() {
        var h = TrackerHarness()
        let start = h.clock
        Self.openConnection(&h, dataAt: [1])
        h.clock = start + 2 * Self.second
        h.tcp(flags: [.fin, .ack], seq: 104, ack: 5001)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.fin, .ack], seq: 5001, ack: 105)
        h.tcp(flags: .ack, seq: 105, ack: 5002)
        h.tracker.advance(to: NetworkTime(microseconds: start + 30 * Self.second))
        let records = h.tracker.drain().conns
        #expect(records.count == 1)
        #expect(records.first?.interim == false)
        #expect(records.first?.connState == .SF)
        #expect(h.tracker.counters.interimRecords == 0)
    }

    @Test func halfClosedConnectionGetsNoEarlyInterim() {
        var h = TrackerHarness()
        let start = h.clock
        Self.openConnection(&h, dataAt: [1])
        h.clock = start + 2 * Self.second
        h.tcp(flags: [.fin, .ack], seq: 104, ack: 5001)
        h.clock = start + 4 * Self.second
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: .ack, seq: 5001, ack: 105)
        h.clock = start + 6 * Self.second
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.ack, .psh], seq: 5001, ack: 105,
              payload: [1])
        #expect(h.tracker.drain().conns.filter(\.interim).isEmpty)
    }

    @Test func unansweredSynGetsNoInterim() {
        var h = TrackerHarness()
        let start = h.clock
        h.tcp(flags: .syn, seq: 100)
        h.clock = start + 3 * Self.second
        h.tcp(flags: .syn, seq: 100)
        h.tracker.advance(to: NetworkTime(microseconds: start + 20 * Self.second))
        let records = h.tracker.drain().conns
        #expect(records.filter(\.interim).isEmpty)
        #expect(records.count == 1)
    }

    @Test func udpFlowsKeepTheRegularSchedule() {
        var h = TrackerHarness()
        for _ in 0..<10 {
            h.udp(payload: [1, 2, 3])
            h.advance(4 * Self.second)
        }
        #expect(h.finish().filter(\.interim).isEmpty)
    }

    @Test func idleAdvanceEmitsTheEarlyInterimWithoutAPacket() {
        var h = TrackerHarness()
        let start = h.clock
        Self.openConnection(&h, dataAt: [1])
        h.tracker.advance(to: NetworkTime(microseconds: start + 4 * Self.second))
        #expect(h.tracker.drain().conns.isEmpty)
        h.tracker.advance(to: NetworkTime(microseconds: start + 5 * Self.second))
        let interims = h.tracker.drain().conns
        #expect(interims.count == 1)
        #expect(interims.first?.interim == true)
        // Time never moves backwards: an earlier advance is ignored, the next packet still counts.
        h.tracker.advance(to: NetworkTime(microseconds: start))
        h.clock = start + 6 * Self.second
        h.tcp(flags: [.ack, .psh], seq: 104, ack: 5001, payload: [1])
        let records = h.finish()
        #expect(records.count == 1)
        #expect(records.first?.interim == false)
        #expect(records.first?.duration == .seconds(6))
    }

    @Test func delayOffOrNotShorterThanTheIntervalKeepsTheRegularSchedule() {
        for delay: NetworkDuration? in [nil, .seconds(60), .seconds(90)] {
            var configuration = FlowConfiguration()
            configuration.firstInterimDelay = delay
            var h = TrackerHarness(configuration: configuration)
            Self.openConnection(&h, dataAt: [1, 6, 30, 61])
            #expect(Self.interimOffsets(h.finish()) == [30])
        }
    }

    @Test func noInterimRecordsWithoutAnInterval() {
        var configuration = FlowConfiguration()
        configuration.interimInterval = nil
        configuration.firstInterimDelay = .seconds(1)
        var h = TrackerHarness(configuration: configuration)
        Self.openConnection(&h, dataAt: [1, 2, 3, 6, 30])
        #expect(h.finish().filter(\.interim).isEmpty)
    }
}

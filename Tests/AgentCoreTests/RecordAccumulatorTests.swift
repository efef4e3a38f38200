import AgentCore
import FleetModel
import Testing

@Suite struct RecordAccumulatorTests {
    static let start = ContinuousClock.now

    static func conn(_ n: Int, interim: Bool = false) -> ConnRecord {
        ConnRecord(
            ts: NetworkTime(seconds: Int64(n), microseconds: 0), uid: "C\(n)",
            id: ConnID(
                originatorHost: .v4(0x0A00_0001), originatorPort: UInt16(n % 60_000),
                responderHost: .v4(0x0A00_0002), responderPort: 53
            ),
            proto: .udp, connState: .SF, ipProto: 17, interim: interim
        )
    }

    static func batch(_ range: Range<Int>, interim: Bool = false) -> RecordBatch {
        var batch = RecordBatch()
        batch.conns = range.map { conn($0, interim: interim) }
        return batch
    }

    @Test func flushesAtMaxAgeOfTheOldestRecord() {
        var accumulator = RecordAccumulator(policy: BatchPolicy(maxRecords: 100, maxAge: .seconds(5)))
        #expect(accumulator.nextDeadline == nil)
        #expect(accumulator.add(Self.batch(0..<3), now: Self.start).isEmpty)
        #expect(accumulator.nextDeadline == Self.start + .seconds(5))
        #expect(accumulator.add(Self.batch(3..<5), now: Self.start + .seconds(4)).isEmpty)
        #expect(accumulator.tick(now: Self.start + .milliseconds(4999)) == nil)
        let flush = accumulator.tick(now: Self.start + .seconds(5))
        #expect(flush?.reason == .maxAge)
        #expect(flush?.records.conns.map(\.uid) == ["C0", "C1", "C2", "C3", "C4"])
        #expect(accumulator.pending.isEmpty)
        #expect(accumulator.nextDeadline == nil)
        #expect(accumulator.tick(now: Self.start + .seconds(60)) == nil)
    }

    @Test func defaultMaxAgeIsAtMostFiveSeconds() {
        #expect(BatchPolicy().maxAge <= .seconds(5))
    }

    @Test func cutsLargeAdditionsIntoMaxRecordChunksInOrder() {
        var accumulator = RecordAccumulator(policy: BatchPolicy(maxRecords: 4))
        let flushes = accumulator.add(Self.batch(0..<10), now: Self.start)
        #expect(flushes.map(\.records.count) == [4, 4])
        #expect(flushes.allSatisfy { $0.reason == .maxRecords })
        #expect(flushes.flatMap(\.records.conns).map(\.uid) == (0..<8).map { "C\($0)" })
        #expect(accumulator.pending.count == 2)
        let rest = accumulator.add(Self.batch(10..<12), now: Self.start + .seconds(1))
        #expect(rest.map(\.records.count) == [4])
        #expect(rest.first?.records.conns.map(\.uid) == ["C8", "C9", "C10", "C11"])
        #expect(accumulator.pending.isEmpty && accumulator.pendingBytes == 0)
    }

    @Test func splitsShipNamesAndRequestsBeforeConnections() {
        // A DNS answer (and an HTTP request) completed in the same drain as the connections after them must not
        // be cut into a later batch than those connections: the aggregator judges batches in order.
        var mixed = Self.batch(0..<5)
        let id = ConnID(
            originatorHost: .v4(0x0A00_0001), originatorPort: 5353, responderHost: .v4(0x0A00_0002), responderPort: 53)
        mixed.dns = (0..<2).map { DNSRecord(ts: NetworkTime(seconds: Int64($0), microseconds: 0), uid: "D\($0)", id: id, proto: .udp) }
        mixed.http = [HTTPRecord(ts: NetworkTime(seconds: 1, microseconds: 0), uid: "H0", id: id, transDepth: 1)]
        var accumulator = RecordAccumulator(policy: BatchPolicy(maxRecords: 4))
        let flushes = accumulator.add(mixed, now: Self.start)
        #expect(flushes.map(\.records.count) == [4, 4])
        #expect(flushes.first?.records.dns.map(\.uid) == ["D0", "D1"])
        #expect(flushes.first?.records.http.map(\.uid) == ["H0"])
        #expect(flushes.first?.records.conns.map(\.uid) == ["C0"])
        #expect(flushes.last?.records.conns.map(\.uid) == ["C1", "C2", "C3", "C4"])
        #expect(accumulator.pending.isEmpty)
    }

    @Test func flushesWhenEstimatedBytesReachTheLimit() {
        let one = RecordSizeEstimate.bytes(of: Self.batch(0..<1))
        #expect(one > 100)
        var accumulator = RecordAccumulator(policy: BatchPolicy(maxRecords: 1000, maxBytes: one * 3))
        #expect(accumulator.add(Self.batch(0..<2), now: Self.start).isEmpty)
        let flushes = accumulator.add(Self.batch(2..<3), now: Self.start)
        #expect(flushes.map(\.reason) == [.maxBytes])
        #expect(flushes.first?.estimatedBytes == RecordSizeEstimate.bytes(of: Self.batch(0..<3)))
    }

    @Test func interimRecordsFlushPromptly() {
        var accumulator = RecordAccumulator(policy: BatchPolicy())
        #expect(accumulator.add(Self.batch(0..<2), now: Self.start).isEmpty)
        let flushes = accumulator.add(Self.batch(2..<3, interim: true), now: Self.start + .seconds(1))
        #expect(flushes.map(\.reason) == [.interim])
        #expect(flushes.first?.records.count == 3)

        var delayed = RecordAccumulator(policy: BatchPolicy(interimMaxAge: .milliseconds(500)))
        #expect(delayed.add(Self.batch(0..<1, interim: true), now: Self.start).isEmpty)
        #expect(delayed.nextDeadline == Self.start + .milliseconds(500))
        #expect(delayed.tick(now: Self.start + .milliseconds(499)) == nil)
        #expect(delayed.tick(now: Self.start + .milliseconds(500))?.reason == .interim)
    }

    @Test func explicitFlushTakesEverythingAndEmptyAddsDoNothing() {
        var accumulator = RecordAccumulator()
        #expect(accumulator.flush() == nil)
        #expect(accumulator.add(RecordBatch(), now: Self.start).isEmpty)
        #expect(accumulator.nextDeadline == nil)
        _ = accumulator.add(Self.batch(0..<3), now: Self.start)
        let flush = accumulator.flush()
        #expect(flush?.reason == .requested)
        #expect(flush?.records.count == 3)
        #expect(accumulator.flush() == nil)
    }
}

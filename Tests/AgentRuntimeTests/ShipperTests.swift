import AgentCore
@testable import AgentRuntime
import FleetModel
import Foundation
import Logging
import Testing

/// Shipper behaviour that needs no aggregator: unreachable peer, stop requests, spool resume.
@Suite(.timeLimit(.minutes(1))) struct ShipperTests {
    static let logger = Logger(label: "fleetwatch.test.shipper", factory: { _ in SwiftLogNoOpLogHandler() })

    static func batch(_ index: Int) -> OutgoingBatch {
        var records = RecordBatch()
        records.weirds = [WeirdRecord(ts: NetworkTime(seconds: 1_700_000_000 + Int64(index), microseconds: 0), name: "w\(index)")]
        return OutgoingBatch(records: records)
    }

    /// Port 1 on loopback: nothing listens there, connects are refused at once.
    static func configuration(drain: Duration = .milliseconds(300)) -> ShipperConfiguration {
        ShipperConfiguration(
            host: "127.0.0.1", port: 1, agentID: "a", token: "t", hostname: "h", agentVersion: "v",
            backoff: Backoff.Configuration(initial: .milliseconds(10), maximum: .milliseconds(50)),
            drainTimeout: drain, connectTimeout: .seconds(1))
    }

    /// Loopback aggregators `ports`, in this order, with an acknowledgement deadline of `ackTimeout`.
    static func configuration(ports: [Int], ackTimeout: Duration?, drain: Duration = .seconds(10)) -> ShipperConfiguration {
        var configuration = ShipperConfiguration(
            endpoints: ports.map { ShipperEndpoint(host: "127.0.0.1", port: $0) }, agentID: "a", token: "t", hostname: "h",
            agentVersion: "v", backoff: Backoff.Configuration(initial: .milliseconds(20), maximum: .milliseconds(200)),
            drainTimeout: drain, connectTimeout: .seconds(2))
        configuration.ackTimeout = ackTimeout
        return configuration
    }

    static func spool(_ path: String) throws -> Spool {
        try Spool(configuration: SpoolConfiguration(directory: path, synchronous: false), logger: logger)
    }

    static func input(_ batches: [OutgoingBatch]) -> AsyncThrowingStream<OutgoingBatch, any Error> {
        let (stream, continuation) = AsyncThrowingStream<OutgoingBatch, any Error>.makeStream()
        for batch in batches { continuation.yield(batch) }
        continuation.finish()
        return stream
    }

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fleetwatch-shipper-\(UUID().uuidString)").path
    }

    @Test func unreachableAggregatorSpoolsEverythingAndNumberingContinuesAfterRestart() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try Shipper(configuration: Self.configuration(), spool: Self.spool(directory), logger: Self.logger)
        let summary = try await first.run(input: Self.input((1...3).map(Self.batch) + [OutgoingBatch(records: RecordBatch())]))
        #expect(summary.ending == .timedOut)
        #expect(summary.pendingBatches == 3)  // the empty batch is not numbered
        #expect(summary.connections == 0)
        #expect(summary.failedConnects >= 1)
        #expect(try Self.spool(directory).load().sequences == [1, 2, 3])

        let second = try Shipper(configuration: Self.configuration(), spool: Self.spool(directory), logger: Self.logger)
        let again = try await second.run(input: Self.input([Self.batch(4)]))
        #expect(again.pendingBatches == 4)
        let contents = try Self.spool(directory).load()
        #expect(contents.sequences == [1, 2, 3, 4])
        #expect(contents.reservedThrough == 4)
    }

    @Test func stopRequestSpoolsPendingBatchesWithoutWaitingForTheDrainTimeout() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shipper = try Shipper(configuration: Self.configuration(drain: .seconds(30)), spool: Self.spool(directory), logger: Self.logger)
        let (stream, continuation) = AsyncThrowingStream<OutgoingBatch, any Error>.makeStream()
        continuation.yield(Self.batch(1))
        continuation.yield(Self.batch(2))
        shipper.stopHandle.requestStop()
        continuation.finish()
        let start = ContinuousClock.now
        let summary = try await shipper.run(input: stream)
        #expect(summary.ending == .stopped)
        #expect(summary.pendingBatches == 2)
        #expect(start.duration(to: .now) < .seconds(10))
        #expect(try Self.spool(directory).load().sequences == [1, 2])
    }

    @Test func inputErrorIsRethrownAfterSpooling() async throws {
        struct Broken: Error {}
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shipper = try Shipper(configuration: Self.configuration(), spool: Self.spool(directory), logger: Self.logger)
        let (stream, continuation) = AsyncThrowingStream<OutgoingBatch, any Error>.makeStream()
        continuation.yield(Self.batch(1))
        continuation.finish(throwing: Broken())
        await #expect(throws: Broken.self) { _ = try await shipper.run(input: stream) }
        #expect(try Self.spool(directory).load().sequences == [1])
    }

    @Test func timeRangeCoversEveryRecordKind() {
        var records = RecordBatch()
        records.weirds = [
            WeirdRecord(ts: NetworkTime(microseconds: 50), name: "a"), WeirdRecord(ts: NetworkTime(microseconds: 7), name: "b"),
        ]
        let (first, last) = Shipper.timeRange(of: records)
        #expect(first == NetworkTime(microseconds: 7))
        #expect(last == NetworkTime(microseconds: 50))
        let empty = Shipper.timeRange(of: RecordBatch())
        #expect(empty.0 == .zero && empty.1 == .zero)
    }
}

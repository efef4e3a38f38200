import FleetModel
import FleetWire
import Logging
import NIOCore
import PostgresNIO
public import Storage

/// The ``DetectionFeed`` of a shared PostgreSQL store.
///
/// - Writing: the ingest transaction appends each applied batch (its records as a compressed
///   `fleet.v1` batch envelope, the same bytes the wire carries) to `detection_feed` as its last
///   statement, after taking a transaction-level advisory lock. Positions are therefore handed out
///   in commit order across every aggregator: a reader that has seen position N has seen every
///   batch committed before it, and the commit of a later batch can only add larger positions.
///   The lock is held only from that insert to the commit.
/// - The lease is a session-level advisory lock held on one pooled connection for as long as the
///   holder runs; it goes away with the holder's database session (a killed aggregator's session
///   ends when its socket closes), and a standby takes it on its next try.
/// - Both locks are keyed by the schema (`hashtext(current_schema())`), so fleets in different
///   schemas of one database (and parallel tests) do not share them.
enum PostgresDetectionFeed {
    /// Advisory lock class of the detection lease (session level).
    static let leaseClass: Int32 = 0x466C_6565
    /// Advisory lock class that orders feed appends (transaction level).
    static let appendClass: Int32 = 0x466C_6566
    /// Rows per multi-row INSERT into the feed.
    static let rowsPerStatement = 200

    /// Level 1: the feed is read back within seconds and dropped; speed matters more than size.
    static let codec = WireCodec(compressionLevel: 1, compressionThreshold: 256)

    /// A batch's feed bytes: the frame type, then the frame body.
    static func encode(_ batch: IngestBatch) throws -> ByteBuffer {
        let message = WireMessage.batch(WireBatch(
            agentID: batch.agent.rawValue, sequence: batch.sequence, firstTime: batch.receivedAt,
            lastTime: batch.receivedAt, records: batch.records))
        let frame = try codec.encode(message)
        var bytes = ByteBuffer()
        bytes.reserveCapacity(1 + frame.body.readableBytes)
        bytes.writeInteger(frame.type.rawValue)
        var body = frame.body
        bytes.writeBuffer(&body)
        return bytes
    }

    /// The batch in feed bytes, or nil when they do not decode to one.
    static func decode(_ bytes: ByteBuffer, agent: String, sequence: Int64, receivedAt: Int64) -> IngestBatch? {
        var bytes = bytes
        guard let type = bytes.readInteger(as: UInt8.self) else { return nil }
        guard case .batch(let batch)? = try? codec.decode(WireFrame(type: .init(rawValue: type), body: bytes)),
              batch.agentID == agent, batch.sequence == UInt64(clamping: sequence)
        else { return nil }
        return IngestBatch(
            agent: AgentID(agent), sequence: batch.sequence, receivedAt: NetworkTime(microseconds: receivedAt),
            records: batch.records)
    }

    /// Appends `batches` (already encoded) to the feed, in order, inside the caller's transaction.
    static func append(
        _ batches: [(batch: IngestBatch, bytes: ByteBuffer)], on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !batches.isEmpty else { return }
        try await drain(connection.statement(
            "SELECT pg_advisory_xact_lock(\(appendClass), hashtext(current_schema()))", logger: logger))
        var start = 0
        while start < batches.count {
            let end = min(batches.count, start + rowsPerStatement)
            var binds = PostgresBindings(capacity: (end - start) * 4)
            var values: [String] = []
            for (batch, bytes) in batches[start..<end] {
                let base = binds.count
                binds.append(batch.agent.rawValue)
                binds.append(Int64(bitPattern: batch.sequence))
                binds.append(batch.receivedAt.microseconds)
                binds.append(bytes)
                values.append("($\(base + 1)::text, $\(base + 2)::bigint, $\(base + 3)::bigint, $\(base + 4)::bytea)")
            }
            try await drain(connection.statement(PostgresQuery(unsafeSQL: """
                INSERT INTO detection_feed (agent_id, sequence, received_at, batch) VALUES \(values.joined(separator: ", "))
                """, binds: binds), logger: logger))
            start = end
        }
    }

    static func drain(_ rows: PostgresRowSequence) async throws {
        for try await _ in rows {}
    }
}

extension PostgresFlowStore: DetectionFeed {
    public func withDetectionLease(_ body: (any DetectionFeedLease) async throws -> Void) async throws -> Bool {
        try await wrap {
            try await client.withConnection { connection in
                var held = false
                let rows = try await connection.statement(
                    "SELECT pg_try_advisory_lock(\(PostgresDetectionFeed.leaseClass), hashtext(current_schema()))",
                    logger: logger)
                for try await granted in rows.decode(Bool.self) { held = granted }
                guard held else { return false }
                do {
                    try await body(PostgresDetectionLease(connection: connection, logger: logger))
                } catch {
                    await release(connection)
                    throw error
                }
                await release(connection)
                return true
            }
        }
    }

    /// Unlocks the lease; when that fails, closes the session instead, so a pooled connection never keeps the
    /// lease after its term (nobody, this process included, could take it again).
    private func release(_ connection: PostgresConnection) async {
        do {
            try await PostgresDetectionFeed.drain(connection.statement(
                "SELECT pg_advisory_unlock(\(PostgresDetectionFeed.leaseClass), hashtext(current_schema()))", logger: logger))
        } catch {
            try? await connection.close()
        }
    }
}

/// The lease holder's view of the feed, on the connection that holds the lease (so it fails once
/// the lease is lost with its session).
struct PostgresDetectionLease: DetectionFeedLease {
    let connection: PostgresConnection
    let logger: Logger

    func cursor() async throws -> Int64 {
        try await wrap {
            let rows = try await connection.statement(
                "SELECT position FROM detection_cursor WHERE name = 'fleet'", logger: logger)
            for try await position in rows.decode(Int64.self) { return position }
            return 0
        }
    }

    func entries(after position: Int64, limit: Int) async throws -> [DetectionFeedEntry] {
        try await wrap {
            let rows = try await connection.statement("""
                SELECT position, agent_id, sequence, received_at, batch FROM detection_feed
                WHERE position > \(position) ORDER BY position LIMIT \(Int64(max(1, limit)))
                """, logger: logger)
            var entries: [DetectionFeedEntry] = []
            for try await (position, agent, sequence, receivedAt, bytes)
                in rows.decode((Int64, String, Int64, Int64, ByteBuffer).self)
            {
                entries.append(DetectionFeedEntry(
                    position: position,
                    batch: PostgresDetectionFeed.decode(bytes, agent: agent, sequence: sequence, receivedAt: receivedAt)))
            }
            return entries
        }
    }

    func firstPosition(receivedSince time: NetworkTime) async throws -> Int64? {
        try await wrap {
            let rows = try await connection.statement(
                "SELECT min(position) FROM detection_feed WHERE received_at >= \(time.microseconds)", logger: logger)
            for try await position in rows.decode(Int64?.self) { return position }
            return nil
        }
    }

    func advance(to position: Int64, keepSince: NetworkTime) async throws {
        try await wrap {
            try await PostgresDetectionFeed.drain(connection.statement(
                "UPDATE detection_cursor SET position = \(position) WHERE name = 'fleet' AND position < \(position)",
                logger: logger))
            try await PostgresDetectionFeed.drain(connection.statement(
                "DELETE FROM detection_feed WHERE position <= \(position) AND received_at < \(keepSince.microseconds)",
                logger: logger))
        }
    }

    private func wrap<Value>(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch {
            throw PostgresFlowStore.storageError(error)
        }
    }
}

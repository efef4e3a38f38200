import FleetModel
import Storage
import StoragePostgres
import Testing

/// The PostgreSQL detection feed (``DetectionFeed``): every committed batch once, in commit order, across
/// aggregators; an exclusive lease with a stored cursor; trimming that keeps the recent entries.
/// Skipped, with the reason, without `FLEET_TEST_POSTGRES_URL`.
@Suite(.enabled(if: StoreBackend.postgresURL != nil, StoreBackend.postgresSkipReason))
struct PostgresDetectionFeedTests {
    static let link = Fixtures.id("10.0.0.1", 1, "10.0.0.2", 2)

    static func batch(_ agent: String, _ sequence: UInt64, receivedAt: NetworkTime = Fixtures.time(0)) -> IngestBatch {
        IngestBatch(
            agent: AgentID(agent), sequence: sequence, receivedAt: receivedAt,
            records: Fixtures.batch(
                conns: [Fixtures.conn(uid: "C\(agent)-\(sequence)", ts: Fixtures.time(Int64(sequence)), id: link)],
                dns: [Fixtures.dns(uid: "D\(agent)-\(sequence)", ts: Fixtures.time(Int64(sequence)), query: "n\(sequence).example")]))
    }

    /// Reads the whole feed as the lease holder.
    static func feed(_ store: PostgresFlowStore) async throws -> [DetectionFeedEntry] {
        var entries: [DetectionFeedEntry] = []
        let held = try await store.withDetectionLease { (lease: any DetectionFeedLease) async throws in
            var position: Int64 = 0
            while true {
                let page = try await lease.entries(after: position, limit: 7)
                guard let last = page.last else { break }
                entries += page
                position = last.position
            }
        }
        #expect(held)
        return entries
    }

    @Test func twoAggregatorsFeedEachCommittedBatchOnceInCommitOrder() async throws {
        try await withPostgresStore { first, url in
            let second = try PostgresFlowStore(url: url, logger: PostgresFlowStore.quietLogger)
            try await withThrowingTaskGroup(of: Void.self) { runner in
                runner.addTask { await second.run() }
                defer { runner.cancelAll() }
                // Both stores receive every batch of both agents, concurrently (failover replays).
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for store in [first, second] {
                        group.addTask {
                            for sequence in UInt64(1)...12 {
                                for result in await store.ingest(contentsOf: [Self.batch("a", sequence), Self.batch("b", sequence)]) {
                                    _ = try result.get()
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                // An empty batch is committed (its sequence counts) but has nothing to detect on.
                _ = try await first.ingest(IngestBatch(agent: "a", sequence: 13, receivedAt: Fixtures.time(0), records: RecordBatch()))
                let entries = try await Self.feed(first)
                #expect(entries.count == 24)
                #expect(entries.map(\.position) == entries.map(\.position).sorted())
                #expect(Set(entries.map(\.position)).count == entries.count)
                for agent: AgentID in ["a", "b"] {
                    let batches = entries.compactMap(\.batch).filter { $0.agent == agent }
                    #expect(batches.map(\.sequence) == Array(1...12), "per agent in sequence order, each once")
                    #expect(batches.map(\.records) == (1...12).map { Self.batch(agent.rawValue, $0).records })
                }
            }
        }
    }

    @Test func theLeaseIsExclusiveAndItsCursorOutlivesTheHolder() async throws {
        try await withPostgresStore { first, url in
            let second = try PostgresFlowStore(url: url, logger: PostgresFlowStore.quietLogger)
            try await withThrowingTaskGroup(of: Void.self) { runner in
                runner.addTask { await second.run() }
                defer { runner.cancelAll() }
                for sequence in UInt64(1)...4 {
                    // Batches 1-2 received long ago, 3-4 recently.
                    let received = Fixtures.time(sequence <= 2 ? 0 : 10_000)
                    _ = try await first.ingest(Self.batch("a", sequence, receivedAt: received))
                }
                var positions: [Int64] = []
                let held = try await first.withDetectionLease { (lease: any DetectionFeedLease) async throws in
                    #expect(try await lease.cursor() == 0)
                    positions = try await lease.entries(after: 0, limit: 10).map(\.position)
                    #expect(positions.count == 4)
                    // The other aggregator stands by while this one holds the lease.
                    #expect(try await second.withDetectionLease { _ in Issue.record("second holder") } == false)
                    #expect(try await lease.firstPosition(receivedSince: Fixtures.time(5_000)) == positions[2])
                    #expect(try await lease.firstPosition(receivedSince: Fixtures.time(20_000)) == nil)
                    // Findings written through batch 4; entries received before t=5000 may go.
                    try await lease.advance(to: positions[3], keepSince: Fixtures.time(5_000))
                    // Never backwards.
                    try await lease.advance(to: positions[0], keepSince: Fixtures.time(0))
                }
                #expect(held)
                let taken = try await second.withDetectionLease { (lease: any DetectionFeedLease) async throws in
                    #expect(try await lease.cursor() == positions[3])
                    #expect(try await lease.entries(after: 0, limit: 10).map(\.position) == Array(positions[2...]))
                }
                #expect(taken, "the lease is free once its holder returned")
            }
        }
    }

    @Test func anUndecodableEntryIsReportedNotFatal() async throws {
        try await withPostgresStore { store, _ in
            _ = try await store.ingest(Self.batch("a", 1))
            try await store.executeRawSQL("""
                INSERT INTO detection_feed (agent_id, sequence, received_at, batch) VALUES ('a', 2, 0, '\\x02ffff'::bytea)
                """)
            _ = try await store.ingest(Self.batch("a", 3))
            let entries = try await Self.feed(store)
            #expect(entries.count == 3)
            #expect(entries.map { $0.batch?.sequence } == [1, nil, 3])
        }
    }
}

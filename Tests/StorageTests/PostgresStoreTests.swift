import FleetModel
import Logging
import Storage
import StoragePostgres
import Testing

/// PostgreSQL-only behaviour: named migrations, day partitions dropped by retention, exactly-once
/// across two stores (two aggregators) on one database, typed errors for damaged rows.
/// Skipped, with the reason, without `FLEET_TEST_POSTGRES_URL`.
@Suite(.enabled(if: StoreBackend.postgresURL != nil, StoreBackend.postgresSkipReason))
struct PostgresStoreTests {
    static let day: Int64 = 86_400

    /// Says in the test report whether the contract suites above ran on PostgreSQL too.
    @Test func contractTestsRunOnPostgres() {
        #expect(StoreBackend.available.contains(.postgres))
    }

    @Test func migrationsAreNamedAndIdempotent() async throws {
        try await withPostgresStore { store, _ in
            try await store.migrate()
            #expect(try await store.appliedMigrations() == [
                "v1-agents", "v1-records", "v2-findings", "v2-query-indexes", "v3-detection-feed",
            ])
        }
    }

    @Test func retentionDropsWholeDaysAndTrimsTheBoundaryDay() async throws {
        try await withPostgresStore { store, _ in
            // Fixtures.base is 2023-11-14T22:13:20Z: records on that day, the next and the one after.
            let id = Fixtures.id("10.0.0.1", 1, "10.0.0.2", 2)
            let conns = [0, 1, 2].map { Fixtures.conn(uid: "c\($0)", ts: Fixtures.time($0 * Self.day), id: id) }
            let dns = [0, 1, 2].map { Fixtures.dns(uid: "d\($0)", ts: Fixtures.time($0 * Self.day + 60), query: "x.example") }
            _ = try await store.ingest(Fixtures.ingest("agent-1", 1, Fixtures.batch(conns: conns, dns: dns)))
            #expect(try await store.partitionNames(of: "conn").count == 3)
            // Cut in the middle of the third day: two whole days go, the third keeps its later rows.
            let cutoff = Fixtures.time(2 * Self.day + 30)
            #expect(try await store.deleteOlderThan(cutoff) == 5)
            #expect(try await store.partitionNames(of: "conn").count == 1)
            #expect(try await store.partitionNames(of: "dns").count == 1)
            #expect(try await store.conns(RecordQuery()).isEmpty)
            #expect(try await store.dns(RecordQuery()).map(\.record.uid) == ["d2"])
            // A late record for a dropped day gets its partition back.
            let late = Fixtures.conn(uid: "late", ts: Fixtures.time(0), id: id)
            #expect(try await store.ingest(Fixtures.ingest("agent-1", 2, Fixtures.batch(conns: [late]))).storedCount == 1)
            #expect(try await store.conns(RecordQuery()).map(\.record.uid) == ["late"])
            #expect(try await store.deleteOlderThan(cutoff, chunkSize: 1) == 1)
            #expect(try await store.deleteOlderThan(cutoff, chunkSize: 1) == 0)
            #expect(try await store.recordCounts() == ["conn": 0, "dns": 1, "http": 0, "ssl": 0, "weird": 0])
        }
    }

    /// A stopped aggregator's open transaction is ended by the server after the session's
    /// `idle_in_transaction_timeout`: its row lock goes, and a peer stores that agent's next batch.
    /// Resumed, the stopped one's next statement fails at once (PostgresNIO alone would never answer it).
    @Test(.timeLimit(.minutes(1))) func aStalledTransactionIsEndedByTheServer() async throws {
        try await withPostgresStore { store, url in
            #expect(try await store.setting("idle_in_transaction_session_timeout") == "1min")
            let id = Fixtures.id("10.0.0.1", 1, "10.0.0.2", 2)
            let first = Fixtures.batch(conns: [Fixtures.conn(uid: "c1", ts: Fixtures.time(0), id: id)])
            #expect(try await store.ingest(Fixtures.ingest("agent-1", 1, first)).storedCount == 1)
            let stopped = try PostgresFlowStore(url: url + "&idle_in_transaction_timeout=1", logger: PostgresFlowStore.quietLogger)
            try await withThrowingTaskGroup(of: Void.self) { runner in
                runner.addTask { await stopped.run() }
                defer { runner.cancelAll() }
                #expect(try await stopped.setting("idle_in_transaction_session_timeout") == "1s")
                async let ended = stopped.stallInTransaction(lockingAgent: "agent-1", idle: .seconds(4))
                try await Task.sleep(for: .milliseconds(500))
                // Waits for the stalled lock until the server ends that transaction, then commits.
                let started = ContinuousClock.now
                let second = Fixtures.batch(conns: [Fixtures.conn(uid: "c2", ts: Fixtures.time(1), id: id)])
                #expect(try await store.ingest(Fixtures.ingest("agent-1", 2, second)).storedCount == 1)
                #expect(ContinuousClock.now - started < .seconds(3))
                #expect(try await ended)
            }
            #expect(try await store.conns(RecordQuery()).map(\.record.uid).sorted() == ["c1", "c2"])
        }
    }

    @Test func twoStoresOnOneDatabaseStoreEachBatchOnce() async throws {
        try await withPostgresStore { first, url in
            let second = try PostgresFlowStore(url: url, logger: PostgresFlowStore.quietLogger)
            try await withThrowingTaskGroup(of: Void.self) { runner in
                runner.addTask { await second.run() }
                defer { runner.cancelAll() }
                try await second.migrate()
                let batches: UInt64 = 15
                // Both aggregators receive every batch of both agents (an agent failing over and replaying).
                let results = try await withThrowingTaskGroup(of: [IngestResult].self) { group in
                    for store in [first, second] {
                        group.addTask {
                            var results: [IngestResult] = []
                            for sequence in UInt64(1)...batches {
                                let group = [("agent-a", sequence), ("agent-b", sequence)].map { agent, sequence in
                                    Fixtures.ingest(AgentID(agent), sequence, Fixtures.batch(conns: [
                                        Fixtures.conn(uid: "C\(agent)-\(sequence)", ts: Fixtures.time(Int64(sequence)),
                                                      id: Fixtures.id("10.0.0.1", 1, "10.0.0.2", 2)),
                                    ]))
                                }
                                for result in await store.ingest(contentsOf: group) { results.append(try result.get()) }
                            }
                            return results
                        }
                    }
                    var all: [IngestResult] = []
                    for try await results in group { all += results }
                    return all
                }
                #expect(results.filter { !$0.isDuplicate }.count == 2 * Int(batches))
                #expect(results.filter(\.isDuplicate).count == 2 * Int(batches))
                for agent: AgentID in ["agent-a", "agent-b"] {
                    let conns = try await second.conns(RecordQuery(agent: agent))
                    #expect(conns.map(\.record.uid) == (1...batches).map { "C\(agent)-\($0)" })
                    #expect(try await first.lastCommittedSequence(for: agent) == batches)
                    #expect(try await first.agent(agent)?.counters.duplicateBatches == batches)
                }
            }
        }
    }

    @Test func damagedRowsAreCorruptData() async throws {
        try await withPostgresStore { store, _ in
            _ = try await store.ingest(Fixtures.ingest("agent-1", 1, Fixtures.everyKind()))
            try await store.executeRawSQL("UPDATE conn SET conn_state = 'XX'")
            await #expect(throws: StorageError.corruptData) { try await store.conns(RecordQuery()) }
            try await store.executeRawSQL("UPDATE dns SET ttls = '{-1}'")
            await #expect(throws: StorageError.corruptData) { try await store.dns(RecordQuery()) }
            try await store.executeRawSQL("UPDATE findings SET finding = '{}'")  // no rows: nothing to damage
            try await store.upsertFindings([FindingFixtures.finding()])
            try await store.executeRawSQL("UPDATE findings SET finding = '{\"id\": 3}'")
            await #expect(throws: StorageError.corruptData) { try await store.findings(FindingQuery()) }
        }
    }
}

/// `--store postgres://…` URLs that cannot be used are rejected before any connection (no server needed).
@Suite struct PostgresURLTests {
    @Test(arguments: [
        "mysql://u@h/db", "postgres://h:5432/db", "postgres://u@h:5432/", "postgres://u@h/db?sslmode=maybe",
        "postgres://u@h/db?max_connections=0", "postgres://u@h/db?colour=blue", "postgres:///db",
        "postgres://u@h/db?idle_in_transaction_timeout=-1", "postgres://u@h/db?idle_in_transaction_timeout=1m",
    ])
    func unusableURLsAreRejected(url: String) {
        #expect(throws: StorageError.database) { try PostgresFlowStore(url: url, logger: Logger(label: "test")) }
    }

    @Test func usableURLsAreAccepted() throws {
        for url in [
            "postgres://fleet@127.0.0.1:5432/fleet", "postgresql://u:p%40ss@db.internal/fleet?sslmode=require",
            "postgres://u@[::1]:6543/db?search_path=s1&max_connections=4",
            "postgres://u@h/db?idle_in_transaction_timeout=0",
        ] {
            _ = try PostgresFlowStore(url: url, logger: Logger(label: "test"))
        }
    }
}

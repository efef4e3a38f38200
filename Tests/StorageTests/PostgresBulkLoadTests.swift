import FleetModel
import Storage
import StoragePostgres
import Testing

/// `PostgresFlowStore.withSecondaryIndexesDeferred`: the bulk load of fleet-querybench. Skipped,
/// with the reason, without `FLEET_TEST_POSTGRES_URL`.
@Suite(.enabled(if: StoreBackend.postgresURL != nil, StoreBackend.postgresSkipReason))
struct PostgresBulkLoadTests {
    struct Planned: Error {}

    static let recordTables = ["conn", "dns", "http", "ssl", "weird"]

    @Test func deferredIndexesAreDroppedDuringTheLoadAndRebuiltOnEveryPartition() async throws {
        try await withPostgresStore { store, _ in
            let before = try await store.secondaryIndexes(of: Self.recordTables)
            #expect(before.contains { $0.name == "conn_orig_h_ts" })
            #expect(before.contains { $0.name == "dns_query_rev_ts" })
            let id = Fixtures.id("10.0.0.1", 1, "10.0.0.2", 2)
            let stored = try await store.withSecondaryIndexesDeferred {
                #expect(try await store.secondaryIndexes(of: Self.recordTables).isEmpty)
                // Two days, so two partitions per table are created while the indexes are away.
                let conns = [0, 1].map { Fixtures.conn(uid: "c\($0)", ts: Fixtures.time($0 * 86_400), id: id) }
                let dns = [0, 1].map { Fixtures.dns(uid: "d\($0)", ts: Fixtures.time($0 * 86_400 + 5), query: "a.example.com") }
                return try await store.ingest(Fixtures.ingest("agent-1", 1, Fixtures.batch(conns: conns, dns: dns))).storedCount
            }
            #expect(stored == 4)
            #expect(try await store.secondaryIndexes(of: Self.recordTables) == before)
            // Each partition got its copy of every parent index (not an invalid ONLY index).
            let connPartitions = try await store.partitionNames(of: "conn")
            #expect(connPartitions.count == 2)
            let onPartitions = try await store.secondaryIndexes(of: connPartitions)
            let connIndexes = before.filter { $0.definition.contains(".conn ") }.count
            #expect(connIndexes >= 4)
            #expect(onPartitions.count == 2 * connIndexes)
            #expect(try await store.dns(RecordQuery(dnsQuerySuffix: "example.com")).count == 2)
        }
    }

    @Test func indexesComeBackWhenTheLoadFails() async throws {
        try await withPostgresStore { store, _ in
            let before = try await store.secondaryIndexes(of: Self.recordTables)
            await #expect(throws: Planned.self) {
                try await store.withSecondaryIndexesDeferred { () async throws -> Int in throw Planned() }
            }
            #expect(try await store.secondaryIndexes(of: Self.recordTables) == before)
            #expect(!before.isEmpty)
        }
    }
}

import FleetModel
import Foundation
import Storage
import StorageSQLite
import Testing

/// SQLite-only behaviour: the file survives reopening, migrations are named, queries use indexes,
/// and answers match the in-memory reference on a generated data set.
@Suite struct SQLiteFileTests {
    @Test func reopeningKeepsDataAndSequences() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("flows.sqlite").path
            let batch = Fixtures.everyKind()
            do {
                let store = try SQLiteFlowStore(path: path)
                try await store.migrate()
                _ = try await store.ingest(Fixtures.ingest("agent-1", 1, batch))
                _ = try await store.ingest(Fixtures.ingest("agent-1", 2))
                try await store.upsertAgent(AgentRegistration(id: "agent-1", hostname: "h", version: "1", seenAt: Fixtures.time(0)))
            }
            let reopened = try SQLiteFlowStore(path: path)
            try await reopened.migrate()
            #expect(Array(try await reopened.appliedMigrations().prefix(2)) == ["v1-agents", "v1-records"])
            #expect(try await reopened.lastCommittedSequence(for: "agent-1") == 2)
            #expect(try await reopened.ingest(Fixtures.ingest("agent-1", 1, batch)) == .duplicate(lastCommitted: 2))
            #expect(try await reopened.conns(RecordQuery()).map(\.record) == batch.conns)
            #expect(try await reopened.dns(RecordQuery()).map(\.record) == batch.dns)
            #expect(try await reopened.weirds(RecordQuery()).map(\.record) == batch.weirds)
            #expect(try await reopened.agent("agent-1")?.hostname == "h")
            #expect(try await reopened.ingest(Fixtures.ingest("agent-1", 3, batch)).storedCount == 10)
        }
    }

    @Test func walModeSynchronousNormalAndForeignKeysAreOn() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("flows.sqlite").path
            let store = try SQLiteFlowStore(path: path)
            try await store.migrate()
            _ = try await store.ingest(Fixtures.ingest("agent-1", 1, Fixtures.everyKind()))
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            #expect(try await store.pragma("journal_mode") == "wal")
            #expect(try await store.pragma("synchronous") == "1")  // NORMAL
            #expect(try await store.pragma("foreign_keys") == "1")
            #expect(try await store.pragma("temp_store") == "2")  // MEMORY: savepoint sub-journals
            #expect(try await store.pragma("cache_size") == "-65536")  // 64 MiB
        }
    }

    @Test func bulkLoadWithDeferredIndexesEndsWithTheSameIndexesAndData() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteFlowStore(path: directory.appendingPathComponent("flows.sqlite").path)
            try await store.migrate()
            let hostQuery = RecordQuery(host: IPNetwork("10.0.0.0/8"))
            let before = try await store.queryPlan(kind: .conn, query: hostQuery)
            let batch = Fixtures.everyKind()
            let planDuringLoad = try await store.withSecondaryIndexesDeferred {
                _ = try await store.ingest(Fixtures.ingest("agent-1", 1, batch))
                return try await store.queryPlan(kind: .conn, query: hostQuery)
            }
            #expect(!planDuringLoad.contains { $0.contains("conn_orig_h_ts") }, "\(planDuringLoad)")
            #expect(try await store.queryPlan(kind: .conn, query: hostQuery) == before)
            #expect(before.contains { $0.contains("conn_orig_h_ts") }, "\(before)")
            #expect(try await store.conns(RecordQuery()).map(\.record) == batch.conns)
            #expect(try await store.dns(RecordQuery()).map(\.record) == batch.dns)
            // A failing load still gets its indexes back.
            await #expect(throws: StorageError.self) {
                try await store.withSecondaryIndexesDeferred { () async throws -> Int in throw StorageError.database }
            }
            #expect(try await store.queryPlan(kind: .conn, query: hostQuery) == before)
        }
    }

    @Test(arguments: [
        (RecordKind.conn, RecordQuery(since: Fixtures.time(0), until: Fixtures.time(10)), "conn_ts"),
        (.conn, RecordQuery(since: Fixtures.time(0), agent: "a"), "conn_agent_ts"),
        (.conn, RecordQuery(host: IPNetwork("10.0.0.0/8")), "conn_orig_h"),
        (.conn, RecordQuery(host: IPNetwork("10.0.0.0/8")), "conn_resp_h"),
        (.dns, RecordQuery(dnsQuerySuffix: "example.com"), "dns_query_rev"),
        (.dns, RecordQuery(host: IPNetwork("2001:db8::/32")), "dns_resp_h"),
        (.http, RecordQuery(since: Fixtures.time(0), agent: "a"), "http_agent_ts"),
        (.ssl, RecordQuery(host: IPNetwork("10.0.0.1")), "ssl_orig_h"),
        // One host and a window: equality on the address, so the window is part of the index search.
        (.conn, RecordQuery(since: Fixtures.time(0), host: IPNetwork("10.0.0.7")), "conn_orig_h_ts (orig_h=? AND ts>?)"),
        (.conn, RecordQuery(since: Fixtures.time(0), host: IPNetwork("10.0.0.7")), "conn_resp_h_ts (resp_h=? AND ts>?)"),
        (.weird, RecordQuery(until: Fixtures.time(0)), "weird_ts"),
    ])
    func queriesUseIndexes(kind: RecordKind, query: RecordQuery, index: String) async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteFlowStore(path: directory.appendingPathComponent("flows.sqlite").path)
            try await store.migrate()
            let plan = try await store.queryPlan(kind: kind, query: query)
            #expect(plan.contains { $0.contains("USING INDEX \(index)") }, "\(plan)")
        }
    }

    @Test(arguments: [
        "UPDATE conn SET orig_h = x'0701020304'",
        "UPDATE conn SET conn_state = 'XX'",
        "UPDATE conn SET vlan = 70000",
        "UPDATE conn SET service = 'not json'",
        "UPDATE conn SET proto = 'sctp'",
    ])
    func damagedRowsBecomeTypedErrors(damage: String) async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteFlowStore(path: directory.appendingPathComponent("flows.sqlite").path)
            try await store.migrate()
            _ = try await store.ingest(Fixtures.ingest("agent-1", 1, Fixtures.everyKind()))
            try await store.executeRawSQL(damage)
            await #expect(throws: StorageError.corruptData) { try await store.conns(RecordQuery()) }
        }
    }

    @Test func schemaConstraintsRejectBadRows() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteFlowStore(path: directory.appendingPathComponent("flows.sqlite").path)
            try await store.migrate()
            _ = try await store.ingest(Fixtures.ingest("agent-1", 1, Fixtures.everyKind()))
            for statement in [
                "UPDATE conn SET orig_h = x'04010203'", "UPDATE conn SET interim = 2", "UPDATE conn SET uid = NULL",
                "UPDATE conn SET agent_id = 'unknown-agent'", "UPDATE agent_sequences SET last_sequence = 0",
                "UPDATE weird SET orig_p = NULL WHERE orig_h IS NOT NULL", "UPDATE dns SET query_rev = NULL WHERE query IS NOT NULL",
                "UPDATE conn SET ts = 'yesterday'",
            ] {
                await #expect(throws: StorageError.database, "\(statement)") { try await store.executeRawSQL(statement) }
            }
        }
    }

    /// A deterministic generator (SplitMix64) so failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        mutating func pick<T>(_ values: [T]) -> T { values[next(values.count)] }
    }

    static let hosts = ["10.0.0.1", "10.0.0.2", "10.0.1.7", "192.168.5.5", "8.8.8.8", "2001:db8::1", "2001:db8::2", "2001:db8:1::9", "::ffff:10.0.0.1", "fe80::1"]
    static let networks = ["10.0.0.0/8", "10.0.0.0/24", "10.0.0.2/32", "192.168.0.0/16", "0.0.0.0/0", "2001:db8::/32", "2001:db8::/64", "::/0", "::ffff:0:0/96", "fe80::/10"]
    static let names = ["example.com", "www.example.com", "a.b.example.com", "badexample.com", "example.org", "x.test", "EXAMPLE.COM."]

    @Test func sqliteAnswersMatchTheInMemoryReference() async throws {
        try await withTemporaryDirectory { directory in
            let sqlite = try SQLiteFlowStore(path: directory.appendingPathComponent("flows.sqlite").path)
            try await sqlite.migrate()
            let memory = InMemoryFlowStore()
            var random = Generator(state: 42)
            let agents: [AgentID] = ["a1", "a2", "a3"]
            var sequences: [AgentID: UInt64] = [:]
            for _ in 0..<30 {
                let agent = random.pick(agents)
                var batch = RecordBatch()
                for _ in 0..<random.next(15) {
                    let id = Fixtures.id(random.pick(Self.hosts), UInt16(random.next(4) * 1_000), random.pick(Self.hosts), random.pick([22, 53, 80, 443]))
                    let ts = Fixtures.time(Int64(random.next(100)))
                    batch.conns.append(Fixtures.conn(
                        uid: "C\(random.next(40))", ts: ts, id: id, proto: random.pick([.tcp, .udp]),
                        service: random.pick([[], ["dns"], ["http", "ssl"], ["ssl"]]),
                        duration: random.next(4) == 0 ? nil : NetworkDuration(microseconds: Int64(random.next(10)) * 1_000_000),
                        interim: random.next(3) == 0
                    ))
                    batch.dns.append(Fixtures.dns(uid: "D\(random.next(1_000))", ts: ts, query: random.next(5) == 0 ? nil : random.pick(Self.names), id: id))
                    batch.http.append(Fixtures.http(uid: "H\(random.next(1_000))", ts: ts, uri: random.pick(["/a", "/admin", "/b/admin?x", nil])))
                }
                let sequence = (sequences[agent] ?? 0) + UInt64(1 + random.next(2))
                sequences[agent] = sequence
                let ingest = Fixtures.ingest(agent, sequence, batch)
                #expect(try await sqlite.ingest(ingest) == memory.ingest(ingest))
            }
            #expect(try await sqlite.agents() == memory.agents())
            for _ in 0..<150 {
                var query = RecordQuery(limit: 1 + random.next(60))
                if random.next(3) == 0 { query.since = Fixtures.time(Int64(random.next(100))) }
                if random.next(3) == 0 { query.until = Fixtures.time(Int64(random.next(100))) }
                if random.next(3) == 0 { query.agent = random.pick(agents) }
                if random.next(2) == 0 { query.host = IPNetwork(random.pick(Self.networks)) }
                if random.next(3) == 0 { query.port = random.pick([0, 22, 53, 80, 443, 1_000]) }
                query.sort = random.pick([.timeAscending, .timeDescending])
                #expect(try await sqlite.dns(query) == memory.dns(query), "\(query)")
                #expect(try await sqlite.http(query) == memory.http(query), "\(query)")
                var connQuery = query
                if random.next(3) == 0 { connQuery.proto = random.pick([.tcp, .udp]) }
                if random.next(3) == 0 { connQuery.service = random.pick(["dns", "ssl", "http"]) }
                if random.next(3) == 0 { connQuery.minimumDuration = .seconds(Int64(random.next(10))) }
                if random.next(3) == 0 { connQuery.sort = .durationDescending }
                #expect(try await sqlite.conns(connQuery) == memory.conns(connQuery), "\(connQuery)")
                var dnsQuery = query
                dnsQuery.dnsQuerySuffix = random.pick(["example.com", "com", "b.example.com", "org"])
                #expect(try await sqlite.dns(dnsQuery) == memory.dns(dnsQuery), "\(dnsQuery)")
                var httpQuery = query
                httpQuery.httpURISubstring = random.pick(["admin", "/", "?x"])
                #expect(try await sqlite.http(httpQuery) == memory.http(httpQuery), "\(httpQuery)")
            }
            let cutoff = Fixtures.time(50)
            #expect(try await sqlite.deleteOlderThan(cutoff) == memory.deleteOlderThan(cutoff))
            #expect(try await sqlite.conns(RecordQuery(limit: RecordQuery.maximumLimit)) == memory.conns(RecordQuery(limit: RecordQuery.maximumLimit)))
        }
    }
}

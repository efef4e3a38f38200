import AggregatorRuntime
import FleetModel
import Foundation
import Logging
import Storage
import StorageSQLite
import Testing

/// The indexes the API's queries use, and chunked retention.
struct SQLiteQueryTests {
    @Test func migrationsIncludeQueryIndexes() async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        #expect(try await fixture.store.appliedMigrations().contains("v2-query-indexes"))
    }

    @Test(arguments: [
        (RecordKind.conn, RecordQuery(since: APIFixture.now, limit: 10), "conn_ts"),
        (.conn, RecordQuery(since: APIFixture.now, agent: "alpha", limit: 10), "conn_agent_ts"),
        (.dns, RecordQuery(since: APIFixture.now, dnsQuerySuffix: "example.com", limit: 10), "dns_query_rev_ts"),
        (.http, RecordQuery(since: APIFixture.now, host: IPNetwork("10.0.0.5"), limit: 10), "http_"),
    ])
    func queriesUseIndexes(kind: RecordKind, query: RecordQuery, index: String) async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        let plan = try await fixture.store.queryPlan(kind: kind, query: query).joined(separator: " | ")
        #expect(plan.contains("USING INDEX \(index)") || plan.contains("USING COVERING INDEX \(index)"), "\(plan)")
        #expect(!plan.contains("SCAN \(kind.rawValue) ") && !plan.hasSuffix("SCAN \(kind.rawValue)"), "\(plan)")
    }

    @Test func hostAndWindowUseBothAddressIndexes() async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        let query = RecordQuery(since: APIFixture.now, host: IPNetwork("10.0.0.5"), limit: 10)
        try await fixture.store.analyze()
        let plan = try await fixture.store.queryPlan(kind: .conn, query: query).joined(separator: " | ")
        // Either the (address, ts) pair of indexes or the ts index: never a full scan.
        #expect(plan.contains("conn_orig_h_ts") || plan.contains("conn_ts"), "\(plan)")
        #expect(!plan.contains("SCAN conn"), "\(plan)")
    }

    @Test func retentionDeletesInChunksUntilOnlyRecentRecordsRemain() async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        let all = RecordQuery(limit: 1_000)
        #expect(try await fixture.store.conns(all).count == 4)
        // Cut-off 60 minutes before "now": CA3 (150 min ago) goes, the rest stays.
        let retention = RetentionService(
            maximumAge: NetworkDuration.seconds(3_600), logger: Logger(label: "test"), now: { APIFixture.now },
            deleteChunk: { cutoff in try await fixture.store.deleteOlderThan(cutoff, chunkSize: 1) })
        #expect(try await retention.runOnce() == 1)
        #expect(try await fixture.store.conns(all).map(\.record.uid) == ["CA1", "CA2", "CB1"])
        // Everything older than now: chunks of one record per table until nothing is left.
        let everything = RetentionService(
            maximumAge: NetworkDuration(microseconds: 0), logger: Logger(label: "test"), now: { APIFixture.now },
            deleteChunk: { cutoff in try await fixture.store.deleteOlderThan(cutoff, chunkSize: 1) })
        #expect(try await everything.runOnce() == 8)
        #expect(try await fixture.store.conns(all).isEmpty)
        #expect(try await fixture.store.dns(all).isEmpty)
        #expect(try await fixture.store.agents().count == 2)
    }
}

struct QueryTimeTests {
    static let now = APIFixture.now

    @Test(arguments: [
        ("90s", 90_000_000), ("15m", 900_000_000), ("1h", 3_600_000_000), ("7d", 604_800_000_000),
        ("1h30m", 5_400_000_000), ("500ms", 500_000), ("2w", 1_209_600_000_000),
    ])
    func durations(text: String, micros: Int64) throws {
        #expect(QueryTime.duration(text) == NetworkDuration(microseconds: micros))
        #expect(try QueryTime.parse(text, now: Self.now) == NetworkTime(microseconds: Self.now.microseconds - micros))
    }

    @Test(arguments: [
        ("2025-11-29T06:00:00Z", 1_764_396_000_000_000), ("2025-11-29T07:00:00+01:00", 1_764_396_000_000_000),
        ("2025-11-29T06:30:00.25+00:30", 1_764_396_000_250_000), ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000_000), ("1764396000.5", 1_764_396_000_500_000),
        ("1764396000", 1_764_396_000_000_000),
    ])
    func absoluteTimes(text: String, micros: Int64) throws {
        #expect(try QueryTime.parse(text, now: Self.now) == NetworkTime(microseconds: micros))
    }

    @Test(arguments: [
        "", "h", "1y", "-1h", "1h-", "99999999999999999999s", "2026-13-01T00:00:00Z", "2026-11-29T06:00:00",
        "2026-11-29T06:00:00+1:00", "1764396000.1234567", "yesterday", "1.5h",
    ])
    func rejects(text: String) {
        #expect(throws: QueryTime.ParseError.self) { try QueryTime.parse(text, now: Self.now) }
    }
}

import FleetModel
import Storage
import Testing

/// Query contract: every filter, sort and limit, with the same answers from every backend.
@Suite struct QueryContractTests {
    /// Conns c1...c6 (see expectations below); agent-1 ships c1, c2, c6, c5 in that order, then agent-2 c3, c4.
    static func loadConns(_ store: any FlowStore) async throws {
        let c1 = Fixtures.conn(uid: "c1", ts: Fixtures.time(10), id: Fixtures.id("10.0.0.1", 5_000, "192.168.1.10", 80), service: ["http"], duration: .seconds(5))
        let c2 = Fixtures.conn(uid: "c2", ts: Fixtures.time(20), id: Fixtures.id("10.0.0.2", 5_001, "192.168.1.11", 443), service: ["ssl", "http2"], duration: .seconds(100))
        let c3 = Fixtures.conn(uid: "c3", ts: Fixtures.time(30), id: Fixtures.id("2001:db8::5", 6_000, "2001:db8:1::53", 53), proto: .udp, service: ["dns"])
        let c4 = Fixtures.conn(uid: "c4", ts: Fixtures.time(40), id: Fixtures.id("172.16.0.9", 53, "10.0.0.1", 7_000), proto: .udp, duration: NetworkDuration(microseconds: 500_000))
        let c5 = Fixtures.conn(uid: "c5", ts: Fixtures.time(50), id: Fixtures.id("::ffff:10.0.0.1", 1_234, "2001:db8::5", 80), duration: .seconds(1_000))
        let c6 = Fixtures.conn(uid: "c6", ts: Fixtures.time(40), id: Fixtures.id("10.0.0.3", 1, "8.8.8.8", 53), proto: .udp, service: ["dns"], duration: .seconds(2))
        _ = try await store.ingest(Fixtures.ingest("agent-1", 1, Fixtures.batch(conns: [c1, c2, c6, c5])))
        _ = try await store.ingest(Fixtures.ingest("agent-2", 1, Fixtures.batch(conns: [c3, c4])))
    }

    static let connCases: [(RecordQuery, [String])] = [
        (RecordQuery(), ["c1", "c2", "c3", "c6", "c4", "c5"]),
        (RecordQuery(sort: .timeDescending), ["c5", "c4", "c6", "c3", "c2", "c1"]),
        (RecordQuery(since: Fixtures.time(20), until: Fixtures.time(40)), ["c2", "c3"]),
        (RecordQuery(since: Fixtures.time(40)), ["c6", "c4", "c5"]),
        (RecordQuery(until: Fixtures.time(10)), []),
        (RecordQuery(agent: "agent-2"), ["c3", "c4"]),
        (RecordQuery(agent: "nobody"), []),
        (RecordQuery(host: IPNetwork("10.0.0.1")), ["c1", "c4"]),
        (RecordQuery(host: IPNetwork("10.0.0.0/8")), ["c1", "c2", "c6", "c4"]),
        (RecordQuery(host: IPNetwork("10.0.0.2/31")), ["c2", "c6"]),
        (RecordQuery(host: IPNetwork("0.0.0.0/0")), ["c1", "c2", "c6", "c4"]),
        (RecordQuery(host: IPNetwork("2001:db8::/32")), ["c3", "c5"]),
        (RecordQuery(host: IPNetwork("2001:db8::5")), ["c3", "c5"]),
        (RecordQuery(host: IPNetwork("2001:db8:1::/48")), ["c3"]),
        (RecordQuery(host: IPNetwork("::/0")), ["c3", "c5"]),
        (RecordQuery(host: IPNetwork("::ffff:0:0/96")), ["c5"]),
        (RecordQuery(port: 53), ["c3", "c6", "c4"]),
        (RecordQuery(port: 80), ["c1", "c5"]),
        (RecordQuery(proto: .udp), ["c3", "c6", "c4"]),
        (RecordQuery(proto: .icmp), []),
        (RecordQuery(service: "http"), ["c1"]),
        (RecordQuery(service: "ssl"), ["c2"]),
        (RecordQuery(service: "dns"), ["c3", "c6"]),
        (RecordQuery(service: "ss"), []),
        (RecordQuery(minimumDuration: .seconds(2)), ["c1", "c2", "c6", "c5"]),
        (RecordQuery(minimumDuration: .seconds(1_001)), []),
        (RecordQuery(sort: .durationDescending), ["c5", "c2", "c1", "c6", "c4", "c3"]),
        (RecordQuery(limit: 2), ["c1", "c2"]),
        (RecordQuery(sort: .timeDescending, limit: 2), ["c5", "c4"]),
        (RecordQuery(sort: .durationDescending, limit: 1), ["c5"]),
        (RecordQuery(agent: "agent-1", port: 53, proto: .udp), ["c6"]),
        (RecordQuery(host: IPNetwork("10.0.0.0/8"), minimumDuration: .seconds(3), sort: .timeDescending), ["c2", "c1"]),
    ]

    @Test(arguments: StoreBackend.available)
    func connFilters(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await Self.loadConns(store)
            for (query, expected) in Self.connCases {
                let uids = try await store.conns(query).map(\.record.uid)
                #expect(uids == expected, "query \(query)")
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func dnsSuffixAndProtoFilters(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let records = [
                Fixtures.dns(uid: "d1", ts: Fixtures.time(1), query: "example.com"),
                Fixtures.dns(uid: "d2", ts: Fixtures.time(2), query: "WWW.Example.COM."),
                Fixtures.dns(uid: "d3", ts: Fixtures.time(3), query: "badexample.com"),
                Fixtures.dns(uid: "d4", ts: Fixtures.time(4), query: nil),
                Fixtures.dns(uid: "d5", ts: Fixtures.time(5), query: "a.b.example.com", proto: .tcp),
                Fixtures.dns(uid: "d6", ts: Fixtures.time(6), query: "example.org"),
                Fixtures.dns(uid: "d7", ts: Fixtures.time(7), query: "example.com-evil.net"),
            ]
            _ = try await store.ingest(Fixtures.ingest("agent-1", 1, Fixtures.batch(dns: records)))
            let cases: [(RecordQuery, [String])] = [
                (RecordQuery(dnsQuerySuffix: "example.com"), ["d1", "d2", "d5"]),
                (RecordQuery(dnsQuerySuffix: ".Example.Com."), ["d1", "d2", "d5"]),
                (RecordQuery(dnsQuerySuffix: "com"), ["d1", "d2", "d3", "d5"]),
                (RecordQuery(dnsQuerySuffix: "b.example.com"), ["d5"]),
                (RecordQuery(dnsQuerySuffix: "xample.com"), []),
                (RecordQuery(proto: .tcp), ["d5"]),
                (RecordQuery(dnsQuerySuffix: "example.com", sort: .timeDescending, limit: 2), ["d5", "d2"]),
                (RecordQuery(host: IPNetwork("10.0.0.53"), port: 53), ["d1", "d2", "d3", "d4", "d5", "d6", "d7"]),
            ]
            for (query, expected) in cases {
                #expect(try await store.dns(query).map(\.record.uid) == expected, "query \(query)")
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func httpURIFilter(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let records = [
                Fixtures.http(uid: "h1", ts: Fixtures.time(1), uri: "/index.html"),
                Fixtures.http(uid: "h2", ts: Fixtures.time(2), uri: "/admin/login?x=%25"),
                Fixtures.http(uid: "h3", ts: Fixtures.time(3), uri: nil),
                Fixtures.http(uid: "h4", ts: Fixtures.time(4), uri: "/ADMIN"),
            ]
            _ = try await store.ingest(Fixtures.ingest("agent-1", 1, Fixtures.batch(http: records)))
            let cases: [(String, [String])] = [
                ("admin", ["h2"]), ("ADMIN", ["h4"]), ("/", ["h1", "h2", "h4"]), ("%", ["h2"]), ("_", []),
                ("/index.html", ["h1"]), ("index.html?", []),
            ]
            for (text, expected) in cases {
                #expect(try await store.http(RecordQuery(httpURISubstring: text)).map(\.record.uid) == expected, "\(text)")
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func sslAndWeirdShareTheCommonFilters(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.ingest(Fixtures.ingest("agent-1", 1, Fixtures.everyKind()))
            #expect(try await store.ssl(RecordQuery(host: IPNetwork("2001:db8::/64"))).map(\.record.uid) == ["CSsl2"])
            #expect(try await store.ssl(RecordQuery(port: 443)).count == 2)
            #expect(try await store.ssl(RecordQuery(since: Fixtures.time(8))).map(\.record.uid) == ["CSsl2"])
            // Weirds without endpoints never match a host or port filter.
            #expect(try await store.weirds(RecordQuery(host: IPNetwork("0.0.0.0/0"))).map(\.record.name) == ["bad_TCP_checksum"])
            #expect(try await store.weirds(RecordQuery(port: 443)).map(\.record.name) == ["bad_TCP_checksum"])
            #expect(try await store.weirds(RecordQuery(sort: .timeDescending)).map(\.record.name) == ["truncated_IP", "bad_TCP_checksum"])
        }
    }

    @Test(arguments: StoreBackend.available)
    func filtersThatDoNotApplyAreRejected(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            await #expect(throws: StorageError.invalidQuery) { try await store.conns(RecordQuery(dnsQuerySuffix: "a")) }
            await #expect(throws: StorageError.invalidQuery) { try await store.conns(RecordQuery(httpURISubstring: "a")) }
            await #expect(throws: StorageError.invalidQuery) { try await store.dns(RecordQuery(service: "dns")) }
            await #expect(throws: StorageError.invalidQuery) { try await store.dns(RecordQuery(minimumDuration: .zero)) }
            await #expect(throws: StorageError.invalidQuery) { try await store.http(RecordQuery(proto: .tcp)) }
            await #expect(throws: StorageError.invalidQuery) { try await store.ssl(RecordQuery(sort: .durationDescending)) }
            await #expect(throws: StorageError.invalidQuery) { try await store.weirds(RecordQuery(dnsQuerySuffix: "a")) }
            await #expect(throws: StorageError.invalidQuery) { try await store.conns(RecordQuery(limit: 0)) }
            await #expect(throws: StorageError.invalidQuery) { try await store.conns(RecordQuery(limit: RecordQuery.maximumLimit + 1)) }
            await #expect(throws: StorageError.invalidQuery) { try await store.dns(RecordQuery(dnsQuerySuffix: "..")) }
            await #expect(throws: StorageError.invalidQuery) { try await store.http(RecordQuery(httpURISubstring: "")) }
        }
    }

    @Test(arguments: StoreBackend.available)
    func retentionDeletesOnlyOldRecordsAndKeepsSequences(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await Self.loadConns(store)
            let batch = Fixtures.everyKind()  // ts 1...10 s
            _ = try await store.ingest(Fixtures.ingest("agent-3", 1, batch))
            // Before 20 s: c1 and all ten records of agent-3's batch.
            #expect(try await store.deleteOlderThan(Fixtures.time(20)) == 11)
            #expect(try await store.conns(RecordQuery()).map(\.record.uid) == ["c2", "c3", "c6", "c4", "c5"])
            #expect(try await store.dns(RecordQuery()).isEmpty)
            #expect(try await store.weirds(RecordQuery()).isEmpty)
            #expect(try await store.deleteOlderThan(Fixtures.time(20)) == 0)
            // The ledger survives retention: a replay is still a duplicate.
            #expect(try await store.ingest(Fixtures.ingest("agent-3", 1, batch)) == .duplicate(lastCommitted: 1))
            #expect(try await store.agents().map(\.id) == ["agent-1", "agent-2", "agent-3"])
        }
    }
}

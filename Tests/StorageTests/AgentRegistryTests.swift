import FleetModel
import Storage
import Testing

/// Agent registry contract: upsert, list, counters from ingest.
@Suite struct AgentRegistryTests {
    static func registration(_ id: AgentID, host: String, version: String, at seconds: Int64) -> AgentRegistration {
        AgentRegistration(
            id: id, hostname: host, addresses: [Fixtures.v4("10.0.0.5"), Fixtures.v6("2001:db8::5")],
            vpcCIDRs: [IPNetwork("10.0.0.0/16"), IPNetwork("2001:db8::/48")].compactMap { $0 }, version: version,
            seenAt: Fixtures.time(seconds)
        )
    }

    @Test(arguments: StoreBackend.available)
    func registerListAndUpdate(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            #expect(try await store.agents().isEmpty)
            #expect(try await store.agent("agent-b") == nil)
            try await store.upsertAgent(Self.registration("agent-b", host: "web-1", version: "0.1.0", at: 100))
            try await store.upsertAgent(Self.registration("agent-a", host: "db-1", version: "0.1.0", at: 50))

            let listed = try await store.agents()
            #expect(listed.map(\.id) == ["agent-a", "agent-b"])
            let b = try #require(try await store.agent("agent-b"))
            #expect(b == AgentInfo(
                id: "agent-b", hostname: "web-1", addresses: [Fixtures.v4("10.0.0.5"), Fixtures.v6("2001:db8::5")],
                vpcCIDRs: [IPNetwork("10.0.0.0/16"), IPNetwork("2001:db8::/48")].compactMap { $0 }, version: "0.1.0",
                firstSeen: Fixtures.time(100), lastSeen: Fixtures.time(100), lastSequence: 0, counters: AgentCounters()
            ))

            // Batches add to counters; a re-registration updates identity and keeps counters.
            _ = try await store.ingest(Fixtures.ingest("agent-b", 1, Fixtures.everyKind(), at: 200, stats: AgentStats(packets: 1_000, drops: 3)))
            _ = try await store.ingest(Fixtures.ingest("agent-b", 3, RecordBatch(), at: 150, stats: AgentStats(packets: 500, drops: 1)))
            try await store.upsertAgent(Self.registration("agent-b", host: "web-1b", version: "0.2.0", at: 90))
            let updated = try #require(try await store.agent("agent-b"))
            #expect(updated.hostname == "web-1b")
            #expect(updated.version == "0.2.0")
            #expect(updated.firstSeen == Fixtures.time(90))
            #expect(updated.lastSeen == Fixtures.time(200))
            #expect(updated.lastSequence == 3)
            #expect(updated.counters == AgentCounters(packets: 1_500, drops: 4, batches: 2, records: 10, missedBatches: 1))
            #expect(try await store.agent("agent-a")?.counters == AgentCounters())
        }
    }

    @Test(arguments: StoreBackend.available)
    func ingestBeforeRegistrationCreatesABlankEntry(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.ingest(Fixtures.ingest("agent-x", 1, RecordBatch(), at: 10))
            let blank = try #require(try await store.agent("agent-x"))
            #expect(blank.hostname.isEmpty && blank.version.isEmpty && blank.addresses.isEmpty && blank.vpcCIDRs.isEmpty)
            #expect(blank.firstSeen == Fixtures.time(10) && blank.lastSeen == Fixtures.time(10))
            #expect(blank.counters.batches == 1 && blank.lastSequence == 1)
            try await store.upsertAgent(Self.registration("agent-x", host: "late", version: "1", at: 20))
            let registered = try #require(try await store.agent("agent-x"))
            #expect(registered.hostname == "late")
            #expect(registered.firstSeen == Fixtures.time(10) && registered.lastSeen == Fixtures.time(20))
            #expect(registered.counters.batches == 1 && registered.lastSequence == 1)
        }
    }
}

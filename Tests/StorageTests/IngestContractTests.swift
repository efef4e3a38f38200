import FleetModel
import Storage
import Testing

/// Ingest contract: round trips, exactly-once, gaps, interim superseding, concurrency.
@Suite struct IngestContractTests {
    @Test(arguments: StoreBackend.available)
    func everyRecordKindRoundTrips(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let batch = Fixtures.everyKind()
            let result = try await store.ingest(Fixtures.ingest("agent-1", 1, batch))
            #expect(result == .stored(count: 10, gap: nil))

            let all = RecordQuery()
            #expect(try await store.conns(all) == batch.conns.map { StoredRecord(agent: "agent-1", record: $0) })
            #expect(try await store.dns(all) == batch.dns.map { StoredRecord(agent: "agent-1", record: $0) })
            #expect(try await store.http(all) == batch.http.map { StoredRecord(agent: "agent-1", record: $0) })
            #expect(try await store.ssl(all) == batch.ssl.map { StoredRecord(agent: "agent-1", record: $0) })
            #expect(try await store.weirds(all) == batch.weirds.map { StoredRecord(agent: "agent-1", record: $0) })
        }
    }

    @Test(arguments: StoreBackend.available)
    func sameSequenceTwiceStoresOneCopy(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let batch = Fixtures.ingest("agent-1", 1, Fixtures.everyKind(), stats: AgentStats(packets: 50, drops: 2))
            #expect(try await store.ingest(batch) == .stored(count: 10, gap: nil))
            #expect(try await store.ingest(batch) == .duplicate(lastCommitted: 1))

            let all = RecordQuery()
            #expect(try await store.conns(all).count == 2)
            #expect(try await store.dns(all).count == 2)
            #expect(try await store.http(all).count == 2)
            #expect(try await store.ssl(all).count == 2)
            #expect(try await store.weirds(all).count == 2)
            let info = try #require(try await store.agent("agent-1"))
            #expect(info.lastSequence == 1)
            #expect(info.counters == AgentCounters(packets: 50, drops: 2, batches: 1, records: 10, duplicateBatches: 1))
        }
    }

    @Test(arguments: StoreBackend.available)
    func reconnectReplayStoresNothingTwice(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            func batch(_ sequence: UInt64) -> IngestBatch {
                let dns = Fixtures.dns(uid: "CReplay\(sequence)", ts: Fixtures.time(Int64(sequence)), query: "q\(sequence).example")
                return Fixtures.ingest("agent-1", sequence, Fixtures.batch(dns: [dns]))
            }
            for sequence in UInt64(1)...5 {
                #expect(try await store.ingest(batch(sequence)) == .stored(count: 1, gap: nil))
            }
            // The agent lost the acks and replays everything it still has.
            for sequence in UInt64(1)...5 {
                #expect(try await store.ingest(batch(sequence)) == .duplicate(lastCommitted: 5))
            }
            #expect(try await store.ingest(batch(6)) == .stored(count: 1, gap: nil))
            #expect(try await store.lastCommittedSequence(for: "agent-1") == 6)
            let stored = try await store.dns(RecordQuery())
            #expect(stored.map(\.record.uid) == (1...6).map { "CReplay\($0)" })
            #expect(try await store.agent("agent-1")?.counters.duplicateBatches == 5)
        }
    }

    @Test(arguments: StoreBackend.available)
    func gapIsReportedAndBatchStored(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let http = Fixtures.http(uid: "CGap", ts: Fixtures.time(1), uri: "/")
            #expect(try await store.ingest(Fixtures.ingest("agent-1", 1)) == .stored(count: 0, gap: nil))
            let result = try await store.ingest(Fixtures.ingest("agent-1", 4, Fixtures.batch(http: [http])))
            #expect(result == .stored(count: 1, gap: SequenceGap(firstMissing: 2, lastMissing: 3)))
            #expect(result.gap?.missingCount == 2)
            #expect(try await store.http(RecordQuery()).map(\.record) == [http])
            // A batch from inside the gap arriving late is at or below the last committed one.
            #expect(try await store.ingest(Fixtures.ingest("agent-1", 3)) == .duplicate(lastCommitted: 4))
            let info = try #require(try await store.agent("agent-1"))
            #expect(info.counters.missedBatches == 2)
            #expect(info.lastSequence == 4)
            // A first batch that is not 1 is a gap too.
            let first = try await store.ingest(Fixtures.ingest("agent-2", 3))
            #expect(first == .stored(count: 0, gap: SequenceGap(firstMissing: 1, lastMissing: 2)))
        }
    }

    @Test(arguments: StoreBackend.available)
    func unusableSequencesAreRejected(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let conn = Fixtures.fullConn()
            await #expect(throws: StorageError.invalidSequence) {
                try await store.ingest(Fixtures.ingest("agent-1", 0, Fixtures.batch(conns: [conn])))
            }
            await #expect(throws: StorageError.invalidSequence) {
                try await store.ingest(Fixtures.ingest("agent-1", UInt64(Int64.max) + 1, Fixtures.batch(conns: [conn])))
            }
            #expect(try await store.conns(RecordQuery()).isEmpty)
            #expect(try await store.lastCommittedSequence(for: "agent-1") == 0)
            let top = try await store.ingest(Fixtures.ingest("agent-1", UInt64(Int64.max)))
            #expect(top.storedCount == 0 && !top.isDuplicate)
            #expect(try await store.lastCommittedSequence(for: "agent-1") == UInt64(Int64.max))
        }
    }

    @Test(arguments: StoreBackend.available)
    func interimIsSupersededByFinal(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let id = Fixtures.id("10.0.0.1", 1_000, "10.0.0.2", 22)
            let first = Fixtures.conn(uid: "CLong", ts: Fixtures.time(0), id: id, duration: .seconds(60), interim: true, originatorBytes: 10)
            let second = Fixtures.conn(uid: "CLong", ts: Fixtures.time(0), id: id, duration: .seconds(120), interim: true, originatorBytes: 20)
            let final = Fixtures.conn(uid: "CLong", ts: Fixtures.time(0), id: id, duration: .seconds(150), originatorBytes: 30)
            let other = Fixtures.conn(uid: "COther", ts: Fixtures.time(1), id: id, duration: .seconds(1))

            _ = try await store.ingest(Fixtures.ingest("agent-1", 1, Fixtures.batch(conns: [first, other])))
            #expect(try await store.conns(RecordQuery()).map(\.record) == [first, other])
            _ = try await store.ingest(Fixtures.ingest("agent-1", 2, Fixtures.batch(conns: [second])))
            #expect(try await store.conns(RecordQuery()).map(\.record) == [second, other])
            _ = try await store.ingest(Fixtures.ingest("agent-1", 3, Fixtures.batch(conns: [final])))
            #expect(try await store.conns(RecordQuery()).map(\.record) == [final, other])
            // A late interim never replaces the final record.
            _ = try await store.ingest(Fixtures.ingest("agent-1", 4, Fixtures.batch(conns: [second])))
            #expect(try await store.conns(RecordQuery()).map(\.record) == [final, other])
            // Interim and final inside one batch: the final wins.
            let inBatch = [
                Fixtures.conn(uid: "CBatch", ts: Fixtures.time(2), id: id, interim: true),
                Fixtures.conn(uid: "CBatch", ts: Fixtures.time(2), id: id, duration: .seconds(3)),
            ]
            _ = try await store.ingest(Fixtures.ingest("agent-1", 5, Fixtures.batch(conns: inBatch)))
            #expect(try await store.conns(RecordQuery()).map(\.record) == [final, other, inBatch[1]])
            // The same uid from another agent is another connection.
            _ = try await store.ingest(Fixtures.ingest("agent-2", 1, Fixtures.batch(conns: [first])))
            let all = try await store.conns(RecordQuery())
            #expect(all.map(\.agent) == ["agent-1", "agent-2", "agent-1", "agent-1"])
            #expect(all.map(\.record) == [final, first, other, inBatch[1]])
        }
    }

    @Test(arguments: StoreBackend.available)
    func concurrentAgentsKeepTheirOwnSequences(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let agents: [AgentID] = ["agent-a", "agent-b", "agent-c", "agent-d"]
            let batches: UInt64 = 20
            let results = try await withThrowingTaskGroup(of: [IngestResult].self) { group in
                for (agentIndex, agent) in agents.enumerated() {
                    // Two connections per agent race to deliver the same batches (a reconnect overlap).
                    for _ in 0..<2 {
                        group.addTask {
                            var results: [IngestResult] = []
                            for sequence in UInt64(1)...batches {
                                let conn = Fixtures.conn(
                                    uid: "C\(agent)-\(sequence)", ts: Fixtures.time(Int64(sequence)),
                                    id: Fixtures.id("10.1.\(agentIndex).1", 1_000, "10.2.0.1", 80)
                                )
                                let dns = Fixtures.dns(uid: "D\(agent)-\(sequence)", ts: Fixtures.time(Int64(sequence)), query: "x.example")
                                results.append(try await store.ingest(
                                    Fixtures.ingest(agent, sequence, Fixtures.batch(conns: [conn], dns: [dns]),
                                                    stats: AgentStats(packets: 10, drops: 1))
                                ))
                            }
                            return results
                        }
                    }
                }
                var all: [IngestResult] = []
                for try await results in group { all += results }
                return all
            }
            #expect(results.count == agents.count * 2 * Int(batches))
            #expect(results.filter { !$0.isDuplicate }.count == agents.count * Int(batches))
            #expect(results.allSatisfy { $0.gap == nil })
            for agent in agents {
                let info = try #require(try await store.agent(agent))
                #expect(info.lastSequence == batches)
                #expect(info.counters.batches == batches)
                #expect(info.counters.duplicateBatches == batches)
                #expect(info.counters.records == 2 * batches)
                #expect(info.counters.packets == 10 * batches)
                let conns = try await store.conns(RecordQuery(agent: agent))
                #expect(conns.map(\.record.uid) == (1...batches).map { "C\(agent)-\($0)" })
                #expect(try await store.dns(RecordQuery(agent: agent)).count == Int(batches))
            }
        }
    }
}

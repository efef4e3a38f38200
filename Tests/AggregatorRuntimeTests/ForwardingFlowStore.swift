import FleetModel
import Storage
import StorageSQLite

/// A store wrapper for fault tests: everything goes to `inner` except what the conforming type implements
/// itself (the tests' stores replace `ingest` to fail or hang at a chosen batch).
protocol ForwardingFlowStore: FlowStore {
    var inner: SQLiteFlowStore { get }
}

extension ForwardingFlowStore {
    func migrate() async throws { try await inner.migrate() }
    func lastCommittedSequence(for agent: AgentID) async throws -> UInt64 { try await inner.lastCommittedSequence(for: agent) }
    func upsertAgent(_ registration: AgentRegistration) async throws { try await inner.upsertAgent(registration) }
    func agents() async throws -> [AgentInfo] { try await inner.agents() }
    func agent(_ id: AgentID) async throws -> AgentInfo? { try await inner.agent(id) }
    func conns(_ query: RecordQuery) async throws -> [StoredRecord<ConnRecord>] { try await inner.conns(query) }
    func dns(_ query: RecordQuery) async throws -> [StoredRecord<DNSRecord>] { try await inner.dns(query) }
    func http(_ query: RecordQuery) async throws -> [StoredRecord<HTTPRecord>] { try await inner.http(query) }
    func ssl(_ query: RecordQuery) async throws -> [StoredRecord<SSLRecord>] { try await inner.ssl(query) }
    func weirds(_ query: RecordQuery) async throws -> [StoredRecord<WeirdRecord>] { try await inner.weirds(query) }
    func deleteOlderThan(_ time: NetworkTime) async throws -> Int { try await inner.deleteOlderThan(time) }
}

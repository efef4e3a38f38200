import FleetModel
import PostgresNIO
public import Storage

extension PostgresFlowStore {
    private static let agentSelect = """
        SELECT agents.agent_id, hostname, addresses, vpc_cidrs, version, first_seen, last_seen, packets, drops,
            batches, records, duplicate_batches, missed_batches, COALESCE(agent_sequences.last_sequence, 0)
        FROM agents LEFT JOIN agent_sequences ON agent_sequences.agent_id = agents.agent_id
        """

    public func upsertAgent(_ registration: AgentRegistration) async throws {
        let addresses = registration.addresses.map(\.description)
        let networks = registration.vpcCIDRs.map(\.description)
        let seen = registration.seenAt.microseconds
        try await wrap {
            try await client.query("""
                INSERT INTO agents (agent_id, hostname, addresses, vpc_cidrs, version, first_seen, last_seen)
                VALUES (\(registration.id.rawValue), \(registration.hostname), \(addresses), \(networks),
                    \(registration.version), \(seen), \(seen))
                ON CONFLICT (agent_id) DO UPDATE SET hostname = excluded.hostname, addresses = excluded.addresses,
                    vpc_cidrs = excluded.vpc_cidrs, version = excluded.version,
                    first_seen = least(agents.first_seen, excluded.first_seen),
                    last_seen = greatest(agents.last_seen, excluded.last_seen)
                """, logger: logger)
        }
    }

    public func agents() async throws -> [AgentInfo] {
        try await fetchAgents(PostgresQuery(unsafeSQL: Self.agentSelect + " ORDER BY agents.agent_id"))
    }

    public func agent(_ id: AgentID) async throws -> AgentInfo? {
        var binds = PostgresBindings()
        binds.append(id.rawValue)
        return try await fetchAgents(PostgresQuery(unsafeSQL: Self.agentSelect + " WHERE agents.agent_id = $1", binds: binds))
            .first
    }

    private func fetchAgents(_ query: PostgresQuery) async throws -> [AgentInfo] {
        try await wrap {
            var agents: [AgentInfo] = []
            for try await row in try await client.query(query, logger: logger) {
                var reader = ColumnReader(row)
                agents.append(try Self.decodeAgent(&reader))
            }
            return agents
        }
    }

    private static func decodeAgent(_ reader: inout ColumnReader) throws(StorageError) -> AgentInfo {
        let id = AgentID(try reader.next(String.self))
        let hostname: String = try reader.next()
        let addresses = try reader.next([String].self).map { text throws(StorageError) in
            guard let address = IPAddress(text) else { throw StorageError.corruptData.with(message: "agent address \(text)") }
            return address
        }
        let networks = try reader.next([String].self).map { text throws(StorageError) in
            guard let network = IPNetwork(text) else { throw StorageError.corruptData.with(message: "agent network \(text)") }
            return network
        }
        return AgentInfo(
            id: id, hostname: hostname, addresses: addresses, vpcCIDRs: networks, version: try reader.next(),
            firstSeen: try reader.time(), lastSeen: try reader.time(),
            lastSequence: 0,
            counters: AgentCounters(
                packets: try reader.counter(), drops: try reader.counter(), batches: try reader.counter(),
                records: try reader.counter(), duplicateBatches: try reader.counter(), missedBatches: try reader.counter()
            )
        ).withLastSequence(UInt64(clamping: try reader.next(Int64.self)))
    }
}

extension AgentInfo {
    fileprivate func withLastSequence(_ sequence: UInt64) -> AgentInfo {
        var copy = self
        copy.lastSequence = sequence
        return copy
    }
}

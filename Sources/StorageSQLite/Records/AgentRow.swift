import FleetModel
import GRDB
import Storage

/// One row of the `agents` table: the registry entry and counters of one agent.
///
/// Fetched joined with `agent_sequences` so ``model`` carries the last committed sequence.
struct AgentRow: FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "agents"

    /// `agents` joined with its sequence, ready for a WHERE clause or ORDER BY.
    static let selectSQL = """
        SELECT agents.*, COALESCE(agent_sequences.last_sequence, 0) AS last_sequence
        FROM agents LEFT JOIN agent_sequences ON agent_sequences.agent_id = agents.agent_id
        """

    /// Registration: insert, or update identity fields and widen the seen times; counters stay.
    static let upsertRegistrationSQL = """
        INSERT INTO agents (agent_id, hostname, addresses, vpc_cidrs, version, first_seen, last_seen)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (agent_id) DO UPDATE SET hostname = excluded.hostname, addresses = excluded.addresses,
            vpc_cidrs = excluded.vpc_cidrs, version = excluded.version,
            first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
        """

    /// Batch accounting: create a blank entry for an unregistered agent, or add to its counters.
    /// Arguments: agent_id, seen time, packets, drops, batches, records, duplicate_batches, missed_batches.
    static let addCountersSQL = """
        INSERT INTO agents (agent_id, hostname, addresses, vpc_cidrs, version, first_seen, last_seen,
            packets, drops, batches, records, duplicate_batches, missed_batches)
        VALUES (?1, '', '[]', '[]', '', ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        ON CONFLICT (agent_id) DO UPDATE SET
            first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
            packets = packets + excluded.packets, drops = drops + excluded.drops,
            batches = batches + excluded.batches, records = records + excluded.records,
            duplicate_batches = duplicate_batches + excluded.duplicate_batches,
            missed_batches = missed_batches + excluded.missed_batches
        """

    var model: AgentInfo

    init(model: AgentInfo) {
        self.model = model
    }

    init(row: Row) throws {
        let addresses = try row.strings("addresses").map { text in
            guard let address = IPAddress(text) else {
                throw StorageError.corruptData.with(message: "agent address \(text)")
            }
            return address
        }
        let networks = try row.strings("vpc_cidrs").map { text in
            guard let network = IPNetwork(text) else {
                throw StorageError.corruptData.with(message: "agent network \(text)")
            }
            return network
        }
        model = AgentInfo(
            id: try row.agent("agent_id"), hostname: try row.text("hostname"), addresses: addresses,
            vpcCIDRs: networks, version: try row.text("version"), firstSeen: try row.time("first_seen"),
            lastSeen: try row.time("last_seen"), lastSequence: UInt64(bitPattern: try row.decode(Int64?.self, forColumn: "last_sequence") ?? 0),
            counters: AgentCounters(
                packets: try row.counter("packets"), drops: try row.counter("drops"),
                batches: try row.counter("batches"), records: try row.counter("records"),
                duplicateBatches: try row.counter("duplicate_batches"), missedBatches: try row.counter("missed_batches")
            )
        )
    }

    func encode(to container: inout PersistenceContainer) throws {
        container["agent_id"] = model.id.rawValue
        container["hostname"] = model.hostname
        container["addresses"] = JSONArrayText.encode(model.addresses.map(\.description))
        container["vpc_cidrs"] = JSONArrayText.encode(model.vpcCIDRs.map(\.description))
        container["version"] = model.version
        container["first_seen"] = model.firstSeen.microseconds
        container["last_seen"] = model.lastSeen.microseconds
        container["packets"] = SQLValue.counter(model.counters.packets)
        container["drops"] = SQLValue.counter(model.counters.drops)
        container["batches"] = SQLValue.counter(model.counters.batches)
        container["records"] = SQLValue.counter(model.counters.records)
        container["duplicate_batches"] = SQLValue.counter(model.counters.duplicateBatches)
        container["missed_batches"] = SQLValue.counter(model.counters.missedBatches)
    }

    /// Arguments for ``upsertRegistrationSQL``.
    static func registrationArguments(_ registration: AgentRegistration) -> StatementArguments {
        [
            registration.id.rawValue, registration.hostname,
            JSONArrayText.encode(registration.addresses.map(\.description)),
            JSONArrayText.encode(registration.vpcCIDRs.map(\.description)), registration.version,
            registration.seenAt.microseconds, registration.seenAt.microseconds,
        ]
    }
}

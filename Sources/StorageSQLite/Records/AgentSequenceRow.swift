import GRDB
import Storage

/// One row of the `agent_sequences` table: the last batch sequence number committed for an agent.
/// Written in the same transaction as the batch's records: the exactly-once ledger.
struct AgentSequenceRow: FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "agent_sequences"

    static let lastSequenceSQL = "SELECT last_sequence FROM agent_sequences WHERE agent_id = ?"

    static let upsertSQL = """
        INSERT INTO agent_sequences (agent_id, last_sequence) VALUES (?, ?)
        ON CONFLICT (agent_id) DO UPDATE SET last_sequence = excluded.last_sequence
        """

    var agentID: AgentID
    var lastSequence: UInt64

    init(agentID: AgentID, lastSequence: UInt64) {
        self.agentID = agentID
        self.lastSequence = lastSequence
    }

    init(row: Row) throws {
        agentID = try row.agent("agent_id")
        lastSequence = try row.exact(UInt64.self, "last_sequence")
    }

    func encode(to container: inout PersistenceContainer) throws {
        container["agent_id"] = agentID.rawValue
        container["last_sequence"] = Int64(bitPattern: lastSequence)
    }
}

import FleetModel
import Logging
import NIOCore
import PostgresNIO
import Storage

/// One ingest transaction for a group of batches (one batch for ``PostgresFlowStore/ingest(_:)``).
///
/// Order of work, the same in every aggregator so that two of them never deadlock: create any
/// missing agent and sequence rows, lock the sequence rows of the group's agents in agent order
/// (`FOR UPDATE`), decide each batch against the locked sequence, insert the records of the
/// batches to apply (each in a savepoint when `savepoints`), then update counters and sequences, and
/// last append the applied batches to the detection feed (``PostgresDetectionFeed``).
struct PostgresIngest {
    let store: PostgresFlowStore
    let batches: [IngestBatch]
    let savepoints: Bool

    /// What the group adds to one agent's registry row.
    private struct Delta {
        var firstSeen: Int64
        var lastSeen: Int64
        var packets: UInt64 = 0
        var drops: UInt64 = 0
        var batches: Int64 = 0
        var records: Int64 = 0
        var duplicates: Int64 = 0
        var missed: UInt64 = 0
        var sequence: UInt64?
    }

    func run() async throws -> [Result<IngestResult, any Error>] {
        var results: [Result<IngestResult, any Error>] = batches.map { _ in .failure(StorageError.database) }
        var valid: [Int] = []
        for (index, batch) in batches.enumerated() {
            do {
                _ = try SequenceDecision.decide(lastCommitted: 0, incoming: batch.sequence)
                valid.append(index)
            } catch {
                results[index] = .failure(error)
            }
        }
        guard !valid.isEmpty else { return results }
        var days: Set<Int64> = []
        for index in valid { days.formUnion(Self.days(batches[index].records)) }
        // Encoded before the transaction, so the feed's append lock is held only for the insert.
        var feed: [Int: ByteBuffer] = [:]
        for index in valid where !batches[index].records.isEmpty {
            feed[index] = try PostgresDetectionFeed.encode(batches[index])
        }
        do {
            try await store.partitions.ensure(days: days, store: store)
            let applied = try await store.transaction { connection in try await apply(valid, feed: feed, on: connection) }
            for (index, result) in applied { results[index] = result }
        } catch where PostgresFlowStore.sqlState(error) == "23514" {
            // A partition was dropped (retention elsewhere) after we cached it: create it again, once.
            store.partitions.forget()
            try await store.partitions.ensure(days: days, store: store)
            let applied = try await store.transaction { connection in try await apply(valid, feed: feed, on: connection) }
            for (index, result) in applied { results[index] = result }
        }
        return results
    }

    private static func days(_ records: RecordBatch) -> Set<Int64> {
        var days: Set<Int64> = []
        for record in records.conns { days.insert(PostgresPartitions.day(record.ts.microseconds)) }
        for record in records.dns { days.insert(PostgresPartitions.day(record.ts.microseconds)) }
        for record in records.http { days.insert(PostgresPartitions.day(record.ts.microseconds)) }
        for record in records.ssl { days.insert(PostgresPartitions.day(record.ts.microseconds)) }
        for record in records.weirds { days.insert(PostgresPartitions.day(record.ts.microseconds)) }
        return days
    }

    private func apply(_ valid: [Int], feed: [Int: ByteBuffer], on connection: PostgresConnection) async throws
        -> [(Int, Result<IngestResult, any Error>)]
    {
        var deltas: [AgentID: Delta] = [:]
        for index in valid {
            let batch = batches[index]
            let seen = batch.receivedAt.microseconds
            if let delta = deltas[batch.agent] {
                deltas[batch.agent]?.firstSeen = min(delta.firstSeen, seen)
            } else {
                deltas[batch.agent] = Delta(firstSeen: seen, lastSeen: seen)
            }
        }
        let agents = deltas.keys.sorted()
        var last = try await lock(agents, firstSeen: agents.map { deltas[$0]?.firstSeen ?? 0 }, on: connection)
        var results: [(Int, Result<IngestResult, any Error>)] = []
        for (position, index) in valid.enumerated() {
            let batch = batches[index]
            var delta = deltas[batch.agent] ?? Delta(firstSeen: batch.receivedAt.microseconds, lastSeen: batch.receivedAt.microseconds)
            delta.firstSeen = min(delta.firstSeen, batch.receivedAt.microseconds)
            delta.lastSeen = max(delta.lastSeen, batch.receivedAt.microseconds)
            switch try SequenceDecision.decide(lastCommitted: last[batch.agent] ?? 0, incoming: batch.sequence) {
            case .duplicate(let lastCommitted):
                delta.duplicates += 1
                results.append((index, .success(.duplicate(lastCommitted: lastCommitted))))
            case .apply(let gap):
                if savepoints && !batch.records.isEmpty {
                    try await connection.statement(PostgresQuery(unsafeSQL: "SAVEPOINT b\(position)"), logger: store.logger)
                    do {
                        try await insert(batch.records, agent: batch.agent, on: connection)
                        try await connection.statement(PostgresQuery(unsafeSQL: "RELEASE SAVEPOINT b\(position)"), logger: store.logger)
                    } catch {
                        try await connection.statement(PostgresQuery(unsafeSQL: "ROLLBACK TO SAVEPOINT b\(position)"), logger: store.logger)
                        if PostgresFlowStore.sqlState(error) == "23514" { store.partitions.forget() }
                        results.append((index, .failure(PostgresFlowStore.storageError(error))))
                        continue
                    }
                } else {
                    try await insert(batch.records, agent: batch.agent, on: connection)
                }
                last[batch.agent] = batch.sequence
                delta.sequence = batch.sequence
                delta.packets &+= batch.stats.packets
                delta.drops &+= batch.stats.drops
                delta.batches += 1
                delta.records += Int64(batch.records.count)
                delta.missed &+= gap?.missingCount ?? 0
                results.append((index, .success(.stored(count: batch.records.count, gap: gap))))
            }
            deltas[batch.agent] = delta
        }
        try await update(deltas, on: connection)
        var appended: [(batch: IngestBatch, bytes: ByteBuffer)] = []
        for (index, result) in results {
            guard case .success(.stored) = result, let bytes = feed[index] else { continue }
            appended.append((batches[index], bytes))
        }
        try await PostgresDetectionFeed.append(appended, on: connection, logger: store.logger)
        return results
    }

    /// Creates missing agent and sequence rows, then locks the sequence rows in agent order.
    private func lock(_ agents: [AgentID], firstSeen: [Int64], on connection: PostgresConnection) async throws
        -> [AgentID: UInt64]
    {
        let ids = agents.map(\.rawValue)
        var binds = PostgresBindings()
        binds.append(ids)
        binds.append(firstSeen)
        try await execute(PostgresQuery(unsafeSQL: """
            INSERT INTO agents (agent_id, hostname, addresses, vpc_cidrs, version, first_seen, last_seen)
            SELECT v.id, '', '{}', '{}', '', v.seen, v.seen FROM unnest($1::text[], $2::bigint[]) AS v (id, seen)
            ORDER BY v.id ON CONFLICT (agent_id) DO NOTHING
            """, binds: binds), on: connection)
        var idBinds = PostgresBindings()
        idBinds.append(ids)
        try await execute(PostgresQuery(unsafeSQL: """
            INSERT INTO agent_sequences (agent_id, last_sequence) SELECT v.id, 0 FROM unnest($1::text[]) AS v (id)
            ORDER BY v.id ON CONFLICT (agent_id) DO NOTHING
            """, binds: idBinds), on: connection)
        var last: [AgentID: UInt64] = [:]
        let rows = try await connection.statement(PostgresQuery(unsafeSQL: """
            SELECT agent_id, last_sequence FROM agent_sequences WHERE agent_id = ANY ($1::text[])
            ORDER BY agent_id FOR UPDATE
            """, binds: idBinds), logger: store.logger)
        for try await (agent, sequence) in rows.decode((String, Int64).self) {
            last[AgentID(agent)] = UInt64(clamping: sequence)
        }
        return last
    }

    private func insert(_ records: RecordBatch, agent: AgentID, on connection: PostgresConnection) async throws {
        try await insert(ConnTable.self, ConnTable.collapse(records.conns), agent: agent, sql: ConnTable.upsertSQL, on: connection)
        try await insert(DNSTable.self, records.dns, agent: agent, sql: DNSTable.insertSQL, on: connection)
        try await insert(HTTPTable.self, records.http, agent: agent, sql: HTTPTable.insertSQL, on: connection)
        try await insert(SSLTable.self, records.ssl, agent: agent, sql: SSLTable.insertSQL, on: connection)
        try await insert(WeirdTable.self, records.weirds, agent: agent, sql: WeirdTable.insertSQL, on: connection)
    }

    /// Multi-row INSERTs of at most ``PostgresRecordTable/rowsPerStatement`` rows each.
    private func insert<Table: PostgresRecordTable>(
        _ table: Table.Type, _ records: [Table.Model], agent: AgentID, sql: (Int) -> String,
        on connection: PostgresConnection
    ) async throws {
        var start = 0
        while start < records.count {
            let end = min(records.count, start + Table.rowsPerStatement)
            var binds = PostgresBindings(capacity: (end - start) * Table.columns.count)
            for record in records[start..<end] { Table.append(record, agent: agent, to: &binds) }
            try await execute(PostgresQuery(unsafeSQL: sql(end - start), binds: binds), on: connection)
            start = end
        }
    }

    /// Adds the group's counters and sets the new last sequences, one statement each.
    private func update(_ deltas: [AgentID: Delta], on connection: PostgresConnection) async throws {
        let agents = deltas.keys.sorted()
        let values = agents.compactMap { deltas[$0] }
        var binds = PostgresBindings()
        binds.append(agents.map(\.rawValue))
        binds.append(values.map(\.firstSeen))
        binds.append(values.map(\.lastSeen))
        binds.append(values.map { Int64(bitPattern: $0.packets) })
        binds.append(values.map { Int64(bitPattern: $0.drops) })
        binds.append(values.map(\.batches))
        binds.append(values.map(\.records))
        binds.append(values.map(\.duplicates))
        binds.append(values.map { Int64(bitPattern: $0.missed) })
        try await execute(PostgresQuery(unsafeSQL: """
            UPDATE agents AS a SET first_seen = least(a.first_seen, v.first_seen),
                last_seen = greatest(a.last_seen, v.last_seen), packets = a.packets + v.packets,
                drops = a.drops + v.drops, batches = a.batches + v.batches, records = a.records + v.records,
                duplicate_batches = a.duplicate_batches + v.duplicates, missed_batches = a.missed_batches + v.missed
            FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                $7::bigint[], $8::bigint[], $9::bigint[])
                AS v (agent_id, first_seen, last_seen, packets, drops, batches, records, duplicates, missed)
            WHERE a.agent_id = v.agent_id
            """, binds: binds), on: connection)
        let advanced = agents.compactMap { agent in deltas[agent]?.sequence.map { (agent.rawValue, Int64(bitPattern: $0)) } }
        guard !advanced.isEmpty else { return }
        var sequenceBinds = PostgresBindings()
        sequenceBinds.append(advanced.map(\.0))
        sequenceBinds.append(advanced.map(\.1))
        try await execute(PostgresQuery(unsafeSQL: """
            UPDATE agent_sequences AS s SET last_sequence = v.last_sequence
            FROM unnest($1::text[], $2::bigint[]) AS v (agent_id, last_sequence) WHERE s.agent_id = v.agent_id
            """, binds: sequenceBinds), on: connection)
    }

    /// Runs a statement and drains its result, so its errors surface here.
    private func execute(_ query: PostgresQuery, on connection: PostgresConnection) async throws {
        for try await _ in try await connection.statement(query, logger: store.logger) {}
    }
}

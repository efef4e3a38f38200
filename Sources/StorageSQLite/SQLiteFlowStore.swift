public import FleetModel
import GRDB
public import Storage

/// The SQLite ``FlowStore``: one database file in WAL mode (`synchronous=NORMAL`) behind a GRDB
/// `DatabasePool`, so queries run on reader connections while one writer ingests.
///
/// Each ``ingest(_:)`` is one write transaction: read the agent's last sequence, insert every record
/// through cached prepared statements, add the agent's counters and record the new sequence.
/// A crash leaves either all of it or none of it.
///
/// Thread-safe: a value type over a `Sendable` pool; call from any task.
public struct SQLiteFlowStore: FlowStore {
    let pool: DatabasePool

    /// Page cache per connection, in KiB (`PRAGMA cache_size`).
    static let cacheKiB = 65_536

    /// Opens (creating if needed) the database at `path`. Call ``migrate()`` before use.
    /// - Throws: ``StorageError/database`` when the file cannot be opened.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // SQLite's default page cache (2 MiB) is smaller than one group commit dirties: pages spill
            // to the WAL mid-transaction and are written again, ~4 page writes per record. 64 MiB keeps
            // a group's pages (and the hot index pages) in memory.
            try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB)")
            // Group commit puts each batch in a savepoint; SQLite keeps the savepoint's undo pages in a
            // sub-journal, by default a temp file (~3 writes per record). In memory they cost a copy.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw Self.storageError(error)
        }
    }

    /// Names of the migrations applied to the file, in order (for diagnostics and tests).
    public func appliedMigrations() async throws -> [String] {
        try await wrap { try await pool.read { db in try SQLiteSchema.migrator.appliedMigrations(db) } }
    }

    public func migrate() async throws {
        try await wrap {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                SQLiteSchema.migrator.asyncMigrate(pool) { result in
                    switch result {
                    case .success: continuation.resume()
                    case .failure(let error): continuation.resume(throwing: error)
                    }
                }
            }
        }
    }

    public func ingest(_ batch: IngestBatch) async throws -> IngestResult {
        try await wrap {
            try await pool.write { db in try Self.ingest(batch, in: db) }
        }
    }

    /// Group commit: every batch in one write transaction, each inside its own savepoint so a
    /// failing batch is rolled back alone. Results are returned only after the commit.
    public func ingest(contentsOf batches: [IngestBatch]) async -> [Result<IngestResult, any Error>] {
        guard !batches.isEmpty else { return [] }
        do {
            return try await pool.write { db in
                var results: [Result<IngestResult, any Error>] = []
                results.reserveCapacity(batches.count)
                for batch in batches {
                    var outcome: Result<IngestResult, any Error> = .failure(StorageError.database)
                    do {
                        try db.inSavepoint {
                            outcome = .success(try Self.ingest(batch, in: db))
                            return .commit
                        }
                    } catch {
                        outcome = .failure(Self.storageError(error))
                    }
                    results.append(outcome)
                }
                return results
            }
        } catch {
            let failure = Self.storageError(error)
            return batches.map { _ in .failure(failure) }
        }
    }

    private static func ingest(_ batch: IngestBatch, in db: Database) throws -> IngestResult {
        let agent = batch.agent.rawValue
        let last = try Int64.fetchOne(db.cachedStatement(sql: AgentSequenceRow.lastSequenceSQL), arguments: [agent]) ?? 0
        let decision = try SequenceDecision.decide(lastCommitted: UInt64(clamping: last), incoming: batch.sequence)
        let counters = try db.cachedStatement(sql: AgentRow.addCountersSQL)
        switch decision {
        case .duplicate(let lastCommitted):
            try counters.execute(arguments: [agent, batch.receivedAt.microseconds, 0, 0, 0, 0, 1, 0])
            return .duplicate(lastCommitted: lastCommitted)
        case .apply(let gap):
            // The agent row first: record rows reference it.
            let records = batch.records
            try counters.execute(arguments: [
                agent, batch.receivedAt.microseconds, SQLValue.counter(batch.stats.packets),
                SQLValue.counter(batch.stats.drops), 1, Int64(records.count), 0,
                Int64(bitPattern: gap?.missingCount ?? 0),
            ])
            try insert(records.conns, as: ConnRow.self, sql: ConnRow.upsertSQL, agent: batch.agent, in: db)
            try insert(records.dns, as: DNSRow.self, sql: DNSRow.insertSQL, agent: batch.agent, in: db)
            try insert(records.http, as: HTTPRow.self, sql: HTTPRow.insertSQL, agent: batch.agent, in: db)
            try insert(records.ssl, as: SSLRow.self, sql: SSLRow.insertSQL, agent: batch.agent, in: db)
            try insert(records.weirds, as: WeirdRow.self, sql: WeirdRow.insertSQL, agent: batch.agent, in: db)
            try db.cachedStatement(sql: AgentSequenceRow.upsertSQL)
                .execute(arguments: [agent, Int64(bitPattern: batch.sequence)])
            return .stored(count: records.count, gap: gap)
        }
    }

    private static func insert<Row: RecordRow>(
        _ models: [Row.Model], as type: Row.Type, sql: String, agent: AgentID, in db: Database
    ) throws {
        guard !models.isEmpty else { return }
        let statement = try db.cachedStatement(sql: sql)
        for model in models {
            statement.setUncheckedArguments(StatementArguments(Row(agentID: agent, model: model).columnValues()))
            try statement.execute()
        }
    }

    public func lastCommittedSequence(for agent: AgentID) async throws -> UInt64 {
        try await wrap {
            try await pool.read { db in
                let last = try Int64.fetchOne(
                    db.cachedStatement(sql: AgentSequenceRow.lastSequenceSQL), arguments: [agent.rawValue])
                return UInt64(clamping: last ?? 0)
            }
        }
    }

    public func upsertAgent(_ registration: AgentRegistration) async throws {
        try await wrap {
            try await pool.write { db in
                try db.cachedStatement(sql: AgentRow.upsertRegistrationSQL)
                    .execute(arguments: AgentRow.registrationArguments(registration))
            }
        }
    }

    public func agents() async throws -> [AgentInfo] {
        try await wrap {
            try await pool.read { db in
                try AgentRow.fetchAll(db, sql: AgentRow.selectSQL + " ORDER BY agents.agent_id").map(\.model)
            }
        }
    }

    public func agent(_ id: AgentID) async throws -> AgentInfo? {
        try await wrap {
            try await pool.read { db in
                try AgentRow.fetchOne(db, sql: AgentRow.selectSQL + " WHERE agents.agent_id = ?", arguments: [id.rawValue])?
                    .model
            }
        }
    }

    public func conns(_ query: RecordQuery) async throws -> [StoredRecord<ConnRecord>] {
        try await fetch(ConnRow.self, kind: .conn, query: query)
    }

    public func dns(_ query: RecordQuery) async throws -> [StoredRecord<DNSRecord>] {
        try await fetch(DNSRow.self, kind: .dns, query: query)
    }

    public func http(_ query: RecordQuery) async throws -> [StoredRecord<HTTPRecord>] {
        try await fetch(HTTPRow.self, kind: .http, query: query)
    }

    public func ssl(_ query: RecordQuery) async throws -> [StoredRecord<SSLRecord>] {
        try await fetch(SSLRow.self, kind: .ssl, query: query)
    }

    public func weirds(_ query: RecordQuery) async throws -> [StoredRecord<WeirdRecord>] {
        try await fetch(WeirdRow.self, kind: .weird, query: query)
    }

    private func fetch<Row: RecordRow>(_ type: Row.Type, kind: RecordKind, query: RecordQuery) async throws
        -> [StoredRecord<Row.Model>]
    {
        try query.validate(for: kind)
        let (sql, arguments) = SQLQuery.select(from: Row.databaseTableName, kind: kind, query: query)
        return try await wrap {
            try await pool.read { db in
                try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(\.stored)
            }
        }
    }

    /// The value of `PRAGMA name` on the writer connection (tests check WAL and `synchronous`).
    package func pragma(_ name: String) async throws -> String? {
        try await wrap { try await pool.write { db in try String.fetchOne(db, sql: "PRAGMA \(name)") } }
    }

    /// Runs raw SQL in a write transaction (tests use it to damage rows on purpose).
    package func executeRawSQL(_ sql: String) async throws {
        try await wrap { try await pool.write { db in try db.execute(sql: sql) } }
    }

    /// `EXPLAIN QUERY PLAN` details for the SELECT a query becomes (tests check index use).
    /// Runs on the writer connection: EXPLAIN does not check the schema cookie, so a reader
    /// connection could still plan with indexes another connection dropped.
    package func queryPlan(kind: RecordKind, query: RecordQuery) async throws -> [String] {
        let table: String
        switch kind {
        case .conn: table = ConnRow.databaseTableName
        case .dns: table = DNSRow.databaseTableName
        case .http: table = HTTPRow.databaseTableName
        case .ssl: table = SSLRow.databaseTableName
        case .weird: table = WeirdRow.databaseTableName
        }
        let (sql, arguments) = SQLQuery.select(from: table, kind: kind, query: query)
        return try await wrap {
            try await pool.write { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { row in
                    try row.decode(String.self, forColumn: "detail")
                }
            }
        }
    }

    @discardableResult
    public func deleteOlderThan(_ time: NetworkTime) async throws -> Int {
        try await wrap {
            try await pool.write { db in
                var deleted = 0
                for table in ["conn", "dns", "http", "ssl", "weird"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE ts < ?", arguments: [time.microseconds])
                    deleted += db.changesCount
                }
                return deleted
            }
        }
    }

    /// Runs `body`, turning backend errors into ``StorageError``.
    func wrap<Value>(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch {
            throw Self.storageError(error)
        }
    }

    private static func storageError(_ error: any Error) -> any Error {
        switch error {
        case let error as StorageError: return error
        case let error as CancellationError: return error
        case let error as RowDecodingError: return StorageError.corruptData.with(message: String(describing: error))
        default: return StorageError.database.with(message: String(describing: error))
        }
    }
}

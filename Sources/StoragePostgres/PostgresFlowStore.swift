public import FleetModel
public import Logging
public import PostgresNIO
public import Storage

/// The PostgreSQL ``FlowStore`` and ``FindingStore``: several aggregators can share one database.
///
/// Record tables are partitioned by day on `ts` (created on demand), so retention drops whole
/// partitions. Each ingest is one transaction: the agents' sequence rows are locked with
/// `SELECT ... FOR UPDATE` (in agent order), records go in with multi-row INSERTs, and the
/// counters and last sequences are updated before the commit, so a batch is stored exactly once
/// even when two aggregators receive it.
///
/// The store owns a `PostgresClient` (a connection pool) that works only while ``run()`` runs:
/// start ``run()`` in a task that lives as long as the store is used (cancel it to close).
/// Thread-safe: call from any task.
public final class PostgresFlowStore: FlowStore, FindingStore, Sendable {
    let client: PostgresClient
    let logger: Logger
    let partitions = PostgresPartitions()

    /// A store over an existing client configuration.
    public init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// A store for a `postgres://user:password@host:port/database[?sslmode=...&search_path=...]` URL.
    /// - Throws: ``StorageError/database`` for a URL that cannot be used.
    public convenience init(url: String, logger: Logger) throws(StorageError) {
        self.init(configuration: try PostgresURL.configuration(url), logger: logger)
    }

    /// Runs the connection pool until the calling task is cancelled. Nothing else works while it is not running.
    public func run() async {
        await client.run()
    }

    /// Applies the migrations that are not applied yet, in one transaction (DDL is transactional), under an
    /// advisory lock so aggregators starting together do not race.
    public func migrate() async throws {
        try await wrap {
            try await transaction { connection in
                try await connection.statement("SELECT pg_advisory_xact_lock(\(PostgresPartitions.migrationLock))", logger: logger)
                try await connection.statement(PostgresQuery(unsafeSQL: PostgresSchema.migrationsTable), logger: logger)
                var applied: Set<String> = []
                for try await name in try await connection.statement("SELECT name FROM fleet_migrations", logger: logger)
                    .decode(String.self)
                {
                    applied.insert(name)
                }
                for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                    for statement in PostgresSchema.statements(migration.sql) {
                        try await connection.statement(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.statement(
                        "INSERT INTO fleet_migrations (name) VALUES (\(migration.name))", logger: logger)
                }
            }
        }
    }

    /// Names of the applied migrations, in order.
    public func appliedMigrations() async throws -> [String] {
        try await wrap {
            var names: [String] = []
            let rows = try await client.query("SELECT name FROM fleet_migrations ORDER BY applied_at, name", logger: logger)
            for try await name in rows.decode(String.self) { names.append(name) }
            return names
        }
    }

    public func ingest(_ batch: IngestBatch) async throws -> IngestResult {
        try await wrap {
            try await PostgresIngest(store: self, batches: [batch], savepoints: false).run()[0].get()
        }
    }

    /// Group commit: every batch in one transaction, each batch's records inside a savepoint so a
    /// failing batch is rolled back alone. Results are returned only after the commit.
    public func ingest(contentsOf batches: [IngestBatch]) async -> [Result<IngestResult, any Error>] {
        guard !batches.isEmpty else { return [] }
        do {
            return try await PostgresIngest(store: self, batches: batches, savepoints: true).run()
        } catch {
            let failure = Self.storageError(error)
            return batches.map { _ in .failure(failure) }
        }
    }

    public func lastCommittedSequence(for agent: AgentID) async throws -> UInt64 {
        try await wrap {
            let rows = try await client.query(
                "SELECT last_sequence FROM agent_sequences WHERE agent_id = \(agent.rawValue)", logger: logger)
            for try await last in rows.decode(Int64.self) { return UInt64(clamping: last) }
            return 0
        }
    }

    public func conns(_ query: RecordQuery) async throws -> [StoredRecord<ConnRecord>] {
        try await fetch(ConnTable.self, kind: .conn, query: query)
    }

    public func dns(_ query: RecordQuery) async throws -> [StoredRecord<DNSRecord>] {
        try await fetch(DNSTable.self, kind: .dns, query: query)
    }

    public func http(_ query: RecordQuery) async throws -> [StoredRecord<HTTPRecord>] {
        try await fetch(HTTPTable.self, kind: .http, query: query)
    }

    public func ssl(_ query: RecordQuery) async throws -> [StoredRecord<SSLRecord>] {
        try await fetch(SSLTable.self, kind: .ssl, query: query)
    }

    public func weirds(_ query: RecordQuery) async throws -> [StoredRecord<WeirdRecord>] {
        try await fetch(WeirdTable.self, kind: .weird, query: query)
    }

    private func fetch<Table: PostgresRecordTable>(_ table: Table.Type, kind: RecordKind, query: RecordQuery)
        async throws -> [StoredRecord<Table.Model>]
    {
        try query.validate(for: kind)
        return try await wrap {
            var result: [StoredRecord<Table.Model>] = []
            for try await row in try await client.query(PostgresRecordQuery.select(table, query: query), logger: logger) {
                var reader = ColumnReader(row)
                result.append(try Table.decode(&reader))
            }
            return result
        }
    }

    /// Runs `body` inside BEGIN/COMMIT on one pooled connection (ROLLBACK when it throws; the
    /// error thrown is `body`'s own).
    func transaction<Value: Sendable>(_ body: (PostgresConnection) async throws -> Value) async throws -> Value {
        try await client.withConnection { connection in
            try await connection.statement("BEGIN", logger: logger)
            do {
                let value = try await body(connection)
                try await connection.statement("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.statement("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Runs `body`, turning backend errors into ``StorageError``.
    @discardableResult
    func wrap<Value>(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch {
            throw Self.storageError(error)
        }
    }

    static func storageError(_ error: any Error) -> any Error {
        switch error {
        case let error as StorageError: return error
        case let error as CancellationError: return error
        case let error as PostgresDecodingError: return StorageError.corruptData.with(message: String(reflecting: error))
        default: return StorageError.database.with(message: String(reflecting: error))
        }
    }

    /// The SQLSTATE of a server error, if `error` is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

extension PostgresSchema {
    /// A migration's SQL split into statements (the extended protocol runs one at a time).
    static func statements(_ sql: String) -> [String] {
        sql.split(separator: ";").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        var text = self
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}

import Logging
import PostgresNIO
import Storage

extension PostgresConnection {
    /// `query`, refused at once on a connection that is already closed.
    ///
    /// PostgresNIO 1.33 writes a query to its channel without a write promise, so a query sent
    /// after the server closed the connection (a restart, `pg_terminate_backend`, the session's
    /// `idle_in_transaction_session_timeout` ending a stopped aggregator's transaction) is never
    /// answered and its caller would wait forever. Every statement of the store goes through here,
    /// so such a transaction fails (and is retried by its caller) instead. The check runs just
    /// before the write; a close in between is still only seen by the query itself.
    @discardableResult
    func statement(
        _ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line
    ) async throws -> PostgresRowSequence {
        guard !isClosed else {
            throw StorageError.database.with(message: "the PostgreSQL connection is closed (\(file):\(line))")
        }
        return try await self.query(query, logger: logger, file: file, line: line)
    }
}

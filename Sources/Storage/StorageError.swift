/// An error from a ``FlowStore``.
///
/// A struct wrapping a private code so new kinds of failure can be added without breaking callers.
/// Two errors are equal when their kinds are equal; ``message`` only adds detail.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidSequence
        case invalidQuery
        case corruptData
        case database
    }

    private let code: Code
    /// Human-readable detail (never parsed).
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The batch's sequence number is not usable (sequences start at 1 and must fit in a signed 64-bit integer).
    public static let invalidSequence = StorageError(.invalidSequence, "invalid sequence number")
    /// The query has an out-of-range value or a filter that does not apply to the record kind asked for.
    public static let invalidQuery = StorageError(.invalidQuery, "invalid query")
    /// Stored data could not be turned back into a record (a damaged or foreign database).
    public static let corruptData = StorageError(.corruptData, "corrupt stored data")
    /// The database backend failed (I/O, locking, constraint, SQL error).
    public static let database = StorageError(.database, "database failure")

    /// The same kind of error with a specific message.
    public func with(message: String) -> StorageError {
        StorageError(code, message)
    }

    public var description: String { "StorageError.\(code): \(message)" }

    public static func == (lhs: StorageError, rhs: StorageError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

import FleetModel
import PostgresNIO
import Storage

/// How one record kind maps to its table: the columns an insert writes (in bind order, with the
/// SQL type an argument is cast to), how a record becomes binds, and how a row becomes a record.
protocol PostgresRecordTable {
    associatedtype Model: Sendable & Hashable

    /// The (partitioned) table.
    static var table: String { get }
    /// Inserted columns, in bind order; `cast` is appended to the placeholder (`$3::inet`).
    static var columns: [(name: String, cast: String)] { get }
    /// Appends one record's values, in ``columns`` order.
    static func append(_ record: Model, agent: AgentID, to binds: inout PostgresBindings)
    /// Reads a row selected with ``selectList`` (agent first, then ``columns`` after `agent_id`).
    static func decode(_ reader: inout ColumnReader) throws(StorageError) -> StoredRecord<Model>
}

extension PostgresRecordTable {
    /// The SELECT list matching ``columns`` (addresses read back as their host text).
    static var selectList: String {
        columns.map { column in
            column.cast == "::inet" ? "host(\(column.name)) AS \(column.name)" : column.name
        }.joined(separator: ", ")
    }

    /// `INSERT INTO table (cols) VALUES (...), (...)` for `rows` rows.
    static func insertSQL(rows: Int) -> String {
        var sql = "INSERT INTO \(table) (" + columns.map(\.name).joined(separator: ", ") + ") VALUES "
        var placeholder = 1
        for row in 0..<rows {
            sql += row == 0 ? "(" : ", ("
            for (index, column) in columns.enumerated() {
                if index > 0 { sql += ", " }
                sql += "$\(placeholder)\(column.cast)"
                placeholder += 1
            }
            sql += ")"
        }
        return sql
    }

    /// Rows per INSERT statement, keeping under the protocol's 65,535 parameters.
    static var rowsPerStatement: Int { max(1, min(1_000, 65_535 / columns.count)) }
}

/// Reads a row's cells in order, turning every mismatch into ``StorageError/corruptData``.
struct ColumnReader {
    private let row: PostgresRandomAccessRow
    private var index = 0

    init(_ row: PostgresRow) {
        self.row = PostgresRandomAccessRow(row)
    }

    /// The next cell as `type`.
    mutating func next<Value: PostgresDecodable>(_ type: Value.Type = Value.self) throws(StorageError) -> Value {
        guard index < row.count else {
            throw StorageError.corruptData.with(message: "row has \(row.count) columns, wanted more")
        }
        let cell = row[index]
        index += 1
        do {
            return try cell.decode(Value.self)
        } catch {
            throw StorageError.corruptData.with(message: "column \(cell.columnName): \(error)")
        }
    }

    /// The next cell as a fixed-width integer that must fit `type`.
    mutating func exact<Value: FixedWidthInteger>(_ type: Value.Type) throws(StorageError) -> Value {
        let raw: Int64 = try next()
        guard let value = Value(exactly: raw) else {
            throw StorageError.corruptData.with(message: "value \(raw) out of range")
        }
        return value
    }

    mutating func optionalExact<Value: FixedWidthInteger>(_ type: Value.Type) throws(StorageError) -> Value? {
        guard let raw: Int64 = try next() else { return nil }
        guard let value = Value(exactly: raw) else {
            throw StorageError.corruptData.with(message: "value \(raw) out of range")
        }
        return value
    }

    /// UInt64 counters are stored as their Int64 bit pattern.
    mutating func counter() throws(StorageError) -> UInt64 {
        UInt64(bitPattern: try next(Int64.self))
    }

    mutating func optionalCounter() throws(StorageError) -> UInt64? {
        try next(Int64?.self).map { UInt64(bitPattern: $0) }
    }

    mutating func time() throws(StorageError) -> NetworkTime {
        NetworkTime(microseconds: try next(Int64.self))
    }

    mutating func optionalDuration() throws(StorageError) -> NetworkDuration? {
        try next(Int64?.self).map { NetworkDuration(microseconds: $0) }
    }

    mutating func address() throws(StorageError) -> IPAddress {
        let text: String = try next()
        guard let address = IPAddress(text) else {
            throw StorageError.corruptData.with(message: "address \(text)")
        }
        return address
    }

    mutating func optionalAddress() throws(StorageError) -> IPAddress? {
        guard let text: String = try next() else { return nil }
        guard let address = IPAddress(text) else {
            throw StorageError.corruptData.with(message: "address \(text)")
        }
        return address
    }

    mutating func transport() throws(StorageError) -> TransportProtocol {
        let text: String = try next()
        guard let value = TransportProtocol(rawValue: text) else {
            throw StorageError.corruptData.with(message: "proto \(text)")
        }
        return value
    }

    /// The four endpoint columns every record table has.
    mutating func connID() throws(StorageError) -> ConnID {
        ConnID(
            originatorHost: try address(), originatorPort: try exact(UInt16.self),
            responderHost: try address(), responderPort: try exact(UInt16.self)
        )
    }
}

/// Value conversions for binds.
enum PGValue {
    static func counter(_ value: UInt64) -> Int64 { Int64(bitPattern: value) }
    static func optionalCounter(_ value: UInt64?) -> Int64? { value.map { Int64(bitPattern: $0) } }
    static func integer<Value: BinaryInteger>(_ value: Value?) -> Int64? { value.map { Int64($0) } }

    /// Appends the four endpoint binds (`orig_h`, `orig_p`, `resp_h`, `resp_p`).
    static func appendEndpoints(_ id: ConnID, to binds: inout PostgresBindings) {
        binds.append(id.originatorHost.description)
        binds.append(Int64(id.originatorPort))
        binds.append(id.responderHost.description)
        binds.append(Int64(id.responderPort))
    }

    static let endpointColumns: [(name: String, cast: String)] = [
        ("orig_h", "::inet"), ("orig_p", ""), ("resp_h", "::inet"), ("resp_p", ""),
    ]
}

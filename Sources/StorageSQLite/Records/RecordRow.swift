import FleetModel
import Foundation
import GRDB
import Storage

/// What every record table's GRDB record type provides: the columns it inserts (raw names, in
/// order), the values for them, and the way back to the model record.
protocol RecordRow: FetchableRecord, PersistableRecord, Sendable {
    associatedtype Model: Sendable & Hashable

    /// Inserted columns in argument order (`id` is left to SQLite).
    static var insertColumns: [String] { get }

    /// The agent that shipped the record.
    var agentID: AgentID { get }
    /// The model record.
    var model: Model { get }

    /// Wraps a model record for storage.
    init(agentID: AgentID, model: Model)

    /// Values for ``insertColumns``, in the same order (concrete values: no existential boxing on the insert path).
    func columnValues() -> [DatabaseValue]
}

extension RecordRow {
    /// `INSERT INTO table (cols) VALUES (?, ...)`.
    static var insertSQL: String {
        let placeholders = Array(repeating: "?", count: insertColumns.count).joined(separator: ", ")
        return "INSERT INTO \(databaseTableName) (\(insertColumns.joined(separator: ", "))) VALUES (\(placeholders))"
    }

    func encode(to container: inout PersistenceContainer) throws {
        for (column, value) in zip(Self.insertColumns, columnValues()) {
            container[column] = value
        }
    }

    /// The row as the store returns it.
    var stored: StoredRecord<Model> { StoredRecord(agent: agentID, record: model) }
}

/// Typed, throwing column reads shared by the record types. Out-of-range or malformed values
/// become ``StorageError/corruptData`` instead of a trap.
extension Row {
    func integer(_ column: String) throws -> Int64 {
        try decode(Int64.self, forColumn: column)
    }

    func optionalInteger(_ column: String) throws -> Int64? {
        try decode(Int64?.self, forColumn: column)
    }

    func text(_ column: String) throws -> String {
        try decode(String.self, forColumn: column)
    }

    func optionalText(_ column: String) throws -> String? {
        try decode(String?.self, forColumn: column)
    }

    func flag(_ column: String) throws -> Bool {
        try integer(column) != 0
    }

    func optionalFlag(_ column: String) throws -> Bool? {
        try optionalInteger(column).map { $0 != 0 }
    }

    func exact<Value: FixedWidthInteger>(_ type: Value.Type, _ column: String) throws -> Value {
        let raw = try integer(column)
        guard let value = Value(exactly: raw) else {
            throw StorageError.corruptData.with(message: "\(column) = \(raw) out of range")
        }
        return value
    }

    func optionalExact<Value: FixedWidthInteger>(_ type: Value.Type, _ column: String) throws -> Value? {
        guard let raw = try optionalInteger(column) else { return nil }
        guard let value = Value(exactly: raw) else {
            throw StorageError.corruptData.with(message: "\(column) = \(raw) out of range")
        }
        return value
    }

    /// UInt64 counters are stored as their Int64 bit pattern (SQLite integers are signed).
    func counter(_ column: String) throws -> UInt64 {
        UInt64(bitPattern: try integer(column))
    }

    func optionalCounter(_ column: String) throws -> UInt64? {
        try optionalInteger(column).map { UInt64(bitPattern: $0) }
    }

    func time(_ column: String) throws -> NetworkTime {
        NetworkTime(microseconds: try integer(column))
    }

    func optionalDuration(_ column: String) throws -> NetworkDuration? {
        try optionalInteger(column).map { NetworkDuration(microseconds: $0) }
    }

    func address(_ column: String) throws -> IPAddress {
        try AddressBlob.decode(decode(Data.self, forColumn: column))
    }

    func strings(_ column: String) throws -> [String] {
        try JSONArrayText.decodeStrings(text(column))
    }

    func transport(_ column: String) throws -> TransportProtocol {
        let raw = try text(column)
        guard let value = TransportProtocol(rawValue: raw) else {
            throw StorageError.corruptData.with(message: "\(column) = \(raw)")
        }
        return value
    }

    func agent(_ column: String) throws -> AgentID {
        AgentID(try text(column))
    }

    /// The four endpoint columns every record table has.
    func connID() throws -> ConnID {
        ConnID(
            originatorHost: try address("orig_h"), originatorPort: try exact(UInt16.self, "orig_p"),
            responderHost: try address("resp_h"), responderPort: try exact(UInt16.self, "resp_p")
        )
    }
}

/// Value conversions for inserts.
enum SQLValue {
    static func counter(_ value: UInt64) -> Int64 { Int64(bitPattern: value) }
    static func optionalCounter(_ value: UInt64?) -> Int64? { value.map { Int64(bitPattern: $0) } }
    static func integer<Value: BinaryInteger>(_ value: Value?) -> Int64? { value.map { Int64($0) } }
    static func flag(_ value: Bool?) -> Int64? { value.map { $0 ? 1 : 0 } }
    /// One argument, specialized per type.
    @inline(__always)
    static func bind<Value: DatabaseValueConvertible>(_ value: Value?) -> DatabaseValue {
        value?.databaseValue ?? .null
    }
}

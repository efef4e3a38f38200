public import FleetModel

/// One field value of a Zeek log row, typed as Zeek's logging framework types it.
///
/// `unset` prints as `-` in TSV and is omitted in JSON. An empty `string`
/// prints as `(empty)`; an empty set or vector prints as `(empty)` in TSV and
/// `[]` in JSON.
public enum ZeekValue: Sendable, Hashable {
    case unset
    case string(String)
    case count(UInt64)
    case time(NetworkTime)
    case interval(NetworkDuration)
    case bool(Bool)
    case addr(IPAddress)
    case port(UInt16)
    /// An enum value, printed by name (`tcp`, `udp`).
    case enumName(String)
    /// A `set[string]`/`vector[string]`/`set[enum]`.
    case strings([String])
    /// A `vector[interval]`.
    case intervals([NetworkDuration])

    /// `.string(value)` or `.unset` when nil.
    @inlinable
    public static func optional(_ value: String?) -> ZeekValue {
        value.map { .string($0) } ?? .unset
    }

    /// `.count(value)` or `.unset` when nil.
    @inlinable
    public static func optional<T: BinaryInteger>(_ value: T?) -> ZeekValue {
        value.map { .count(UInt64(clamping: $0)) } ?? .unset
    }

    /// `.interval(value)` or `.unset` when nil.
    @inlinable
    public static func optional(_ value: NetworkDuration?) -> ZeekValue {
        value.map { .interval($0) } ?? .unset
    }

    /// `.bool(value)` or `.unset` when nil.
    @inlinable
    public static func optional(_ value: Bool?) -> ZeekValue {
        value.map { .bool($0) } ?? .unset
    }

    /// A set that Zeek leaves unset when it would be empty (conn.log `service`, `tunnel_parents`).
    @inlinable
    public static func setOrUnset(_ values: [String]) -> ZeekValue {
        values.isEmpty ? .unset : .strings(values)
    }
}

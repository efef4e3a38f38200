import FleetModel
import ZeekLogs

/// One record line of the API (`{"agent":…,<Zeek JSON fields>}`) parsed back into Zeek values,
/// typed by the log's schema, so it can be written again by ``ZeekLogWriter`` as TSV.
struct ZeekJSONRow {
    /// The parsed object.
    let object: [String: JSONValue]

    /// Parses one line.
    /// - Throws: ``FleetctlError`` for a line that is not a JSON object.
    init(line: ArraySlice<UInt8>) throws(FleetctlError) {
        guard let parsed = try? JSONValue.parse(line), case .object(let object) = parsed else {
            throw FleetctlError("the aggregator sent a line that is not a JSON object")
        }
        self.object = object
    }

    /// The shipping agent.
    var agent: String {
        if case .string(let agent) = object["agent"] { return agent }
        return ""
    }

    /// Text of a field (strings as they are, numbers as sent, lists joined with `,`); nil when unset.
    func text(_ name: String) -> String? {
        guard let value = object[name] else { return nil }
        return Self.text(value)
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let text): return text
        case .bool(let flag): return flag ? "T" : "F"
        case .array(let list): return list.map { text($0) ?? "-" }.joined(separator: ",")
        case .null, .object: return nil
        }
    }

    /// A boolean field; nil when unset or not a boolean.
    func flag(_ name: String) -> Bool? {
        if case .bool(let flag) = object[name] { return flag }
        return nil
    }

    /// Microseconds of a `time`/`interval` field.
    func microseconds(_ name: String) -> Int64? {
        guard case .number(let text) = object[name] else { return nil }
        return Self.microseconds(text)
    }

    static func microseconds(_ number: String) -> Int64 {
        guard let seconds = Double(number), seconds.isFinite, abs(seconds) < 9e12 else { return 0 }
        return Int64((seconds * 1_000_000).rounded())
    }

    /// A whole number (a fraction is cut toward zero, out-of-range values are clamped).
    static func integer(_ number: String) -> Int64 {
        if let exact = Int64(number) { return exact }
        guard let value = Double(number), value.isFinite else { return 0 }
        return Int64(clamping: Int64(exactly: value.rounded(.towardZero)) ?? (value < 0 ? .min : .max))
    }

    /// The row's values in `schema` order, converted by each field's Zeek type.
    func values(for schema: ZeekLogSchema) -> [ZeekValue] {
        schema.fields.map { field in Self.value(object[field.name], type: field.type) }
    }

    static func value(_ raw: JSONValue?, type: String) -> ZeekValue {
        guard let raw, raw != .null else { return .unset }
        switch (type, raw) {
        case ("time", .number(let number)):
            return .time(NetworkTime(microseconds: microseconds(number)))
        case ("interval", .number(let number)):
            return .interval(NetworkDuration(microseconds: microseconds(number)))
        case ("addr", .string(let text)):
            return IPAddress(text).map(ZeekValue.addr) ?? .string(text)
        case ("port", .number(let number)):
            return .port(UInt16(clamping: integer(number)))
        case ("count", .number(let number)), ("int", .number(let number)):
            return .count(UInt64(clamping: integer(number)))
        case ("bool", .bool(let flag)):
            return .bool(flag)
        case ("enum", .string(let text)):
            return .enumName(text)
        case ("vector[interval]", .array(let list)):
            return .intervals(list.compactMap { element in
                guard case .number(let number) = element else { return nil }
                return NetworkDuration(microseconds: microseconds(number))
            })
        case ("time", _), ("interval", _), ("addr", _), ("port", _), ("count", _), ("int", _), ("bool", _),
             ("enum", _), ("vector[interval]", _):
            return .unset
        default:
            if type.hasPrefix("set[") || type.hasPrefix("vector[") {
                guard case .array(let list) = raw else { return .unset }
                return .strings(list.map { text($0) ?? "-" })
            }
            switch raw {
            case .string(let text), .number(let text): return .string(text)
            default: return .unset
            }
        }
    }
}

import Foundation
import FleetModel
import ZeekLogs

/// One record line of the API (`{"agent":…,<Zeek JSON fields>}`) parsed back into Zeek values,
/// typed by the log's schema, so it can be written again by ``ZeekLogWriter`` as TSV.
struct ZeekJSONRow {
    /// The parsed object.
    let object: [String: Any]

    /// Parses one line.
    /// - Throws: ``FleetctlError`` for a line that is not a JSON object.
    init(line: ArraySlice<UInt8>) throws(FleetctlError) {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(line)), let object = parsed as? [String: Any] else {
            throw FleetctlError("the aggregator sent a line that is not a JSON object")
        }
        self.object = object
    }

    /// The shipping agent.
    var agent: String { object["agent"] as? String ?? "" }

    /// Text of a field (strings as they are, numbers printed, lists joined with `,`); nil when unset.
    func text(_ name: String) -> String? {
        switch object[name] {
        case let text as String: return text
        case let list as [Any]: return list.map { "\($0)" }.joined(separator: ",")
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    /// Microseconds of a `time`/`interval` field.
    func microseconds(_ name: String) -> Int64? {
        guard let number = object[name] as? NSNumber else { return nil }
        return Self.microseconds(number)
    }

    static func microseconds(_ number: NSNumber) -> Int64 {
        let seconds = number.doubleValue
        guard seconds.isFinite, abs(seconds) < 9e12 else { return 0 }
        return Int64((seconds * 1_000_000).rounded())
    }

    /// The row's values in `schema` order, converted by each field's Zeek type.
    func values(for schema: ZeekLogSchema) -> [ZeekValue] {
        schema.fields.map { field in Self.value(object[field.name], type: field.type) }
    }

    static func value(_ raw: Any?, type: String) -> ZeekValue {
        guard let raw, !(raw is NSNull) else { return .unset }
        switch type {
        case "time":
            guard let number = raw as? NSNumber else { return .unset }
            return .time(NetworkTime(microseconds: microseconds(number)))
        case "interval":
            guard let number = raw as? NSNumber else { return .unset }
            return .interval(NetworkDuration(microseconds: microseconds(number)))
        case "addr":
            guard let text = raw as? String else { return .unset }
            return IPAddress(text).map(ZeekValue.addr) ?? .string(text)
        case "port":
            guard let number = raw as? NSNumber else { return .unset }
            return .port(UInt16(clamping: number.intValue))
        case "count", "int":
            guard let number = raw as? NSNumber else { return .unset }
            return .count(UInt64(clamping: number.int64Value))
        case "bool":
            guard let number = raw as? NSNumber else { return .unset }
            return .bool(number.boolValue)
        case "enum":
            guard let text = raw as? String else { return .unset }
            return .enumName(text)
        case "vector[interval]":
            guard let list = raw as? [Any] else { return .unset }
            return .intervals(list.compactMap { ($0 as? NSNumber).map { NetworkDuration(microseconds: microseconds($0)) } })
        default:
            if type.hasPrefix("set[") || type.hasPrefix("vector[") {
                guard let list = raw as? [Any] else { return .unset }
                return .strings(list.map { ($0 as? String) ?? "\($0)" })
            }
            if let text = raw as? String { return .string(text) }
            if let number = raw as? NSNumber { return .string(number.stringValue) }
            return .unset
        }
    }
}

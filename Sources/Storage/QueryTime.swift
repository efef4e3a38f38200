public import FleetModel

/// Parses the time expressions that query front ends accept for `since`/`until`, so the API
/// and `fleetctl` mean the same thing by them. Pure: "now" is passed in.
///
/// Accepted forms:
/// - a duration before `now`: `90s`, `15m`, `1h`, `7d`, `2w`, `500ms` (also combined: `1h30m`);
/// - an RFC 3339 time: `2026-11-29T06:00:00Z`, `2026-11-29T06:00:00.250+01:00`;
/// - epoch seconds with up to six decimals: `1764396000.5`.
public enum QueryTime {
    /// A time expression that could not be parsed.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The text that was given.
        public var text: String
        public var description: String {
            "bad time \"\(text)\": give a duration (90s, 15m, 1h, 7d), an RFC 3339 time or epoch seconds"
        }
    }

    /// The time `text` stands for.
    /// - Parameters:
    ///   - text: a duration (counted back from `now`), an RFC 3339 time or epoch seconds.
    ///   - now: the current time.
    /// - Throws: ``ParseError``.
    public static func parse(_ text: String, now: NetworkTime) throws(ParseError) -> NetworkTime {
        if let duration = duration(text) { return NetworkTime(microseconds: now.microseconds &- duration.microseconds) }
        if let time = rfc3339(text) { return time }
        if let time = epochSeconds(text) { return time }
        throw ParseError(text: text)
    }

    /// A duration such as `90s`, `15m`, `1h30m`, `7d`, `500ms`; nil when `text` is not one.
    public static func duration(_ text: String) -> NetworkDuration? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 32 else { return nil }
        var total: Int64 = 0
        var index = 0
        while index < bytes.count {
            var number: Int64 = 0
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                let (times, overflow1) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[index] - 0x30))
                guard !overflow1, !overflow2 else { return nil }
                number = sum
                index += 1
            }
            guard index > start else { return nil }
            let unitStart = index
            while index < bytes.count, bytes[index] >= 0x61, bytes[index] <= 0x7A { index += 1 }
            let unit = String(decoding: bytes[unitStart..<index], as: UTF8.self)
            let scale: Int64
            switch unit {
            case "ms": scale = 1_000
            case "s": scale = 1_000_000
            case "m": scale = 60_000_000
            case "h": scale = 3_600_000_000
            case "d": scale = 86_400_000_000
            case "w": scale = 604_800_000_000
            default: return nil
            }
            let (part, overflow) = number.multipliedReportingOverflow(by: scale)
            let (sum, overflow2) = total.addingReportingOverflow(part)
            guard !overflow, !overflow2 else { return nil }
            total = sum
        }
        return NetworkDuration(microseconds: total)
    }

    /// Epoch seconds with at most six decimals; nil otherwise.
    static func epochSeconds(_ text: String) -> NetworkTime? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 12, let seconds = Int64(whole), seconds >= 0 else {
            return nil
        }
        var micros: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 6, fraction.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let value = Int64(fraction) else { return nil }
            micros = value
            for _ in fraction.count..<6 { micros *= 10 }
        }
        return NetworkTime(microseconds: seconds * 1_000_000 + micros)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)`; nil otherwise.
    static func rfc3339(_ text: String) -> NetworkTime? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 40 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[from..<(from + count)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var micros: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if digits < 6 { micros = micros * 10 + Int64(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 6)..<6 { micros *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds: Int64 = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                  let offsetHours = number(index + 1, 2), let offsetMinutes = number(index + 4, 2),
                  offsetHours < 24, offsetMinutes < 60 else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return NetworkTime(microseconds: seconds * 1_000_000 + micros)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

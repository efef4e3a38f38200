import FleetModel
import ZeekLogs

/// Times and durations as the table output shows them (UTC, so output does not depend on the machine).
enum HumanTime {
    /// `11-29 06:00:01` (UTC).
    static func short(_ microseconds: Int64) -> String {
        // ZeekTimestamp gives `2026-11-29-06-00-01`.
        let text = Array(ZeekTimestamp.logText(NetworkTime(microseconds: microseconds)).utf8)
        guard text.count == 19 else { return String(decoding: text, as: UTF8.self) }
        let space = UInt8(ascii: " "), dash = UInt8(ascii: "-"), colon = UInt8(ascii: ":")
        return String(decoding: [
            text[5], text[6], dash, text[8], text[9], space, text[11], text[12], colon, text[14], text[15], colon,
            text[17], text[18],
        ], as: UTF8.self)
    }

    /// `0.25s`, `12s`, `4m05s`, `3h02m`, `2d04h`.
    static func duration(_ microseconds: Int64) -> String {
        if microseconds < 10_000_000 {
            let hundredths = (microseconds + 5_000) / 10_000
            let fraction = hundredths % 100
            return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)s"
        }
        let seconds = microseconds / 1_000_000
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(two(seconds % 60))s" }
        if seconds < 86_400 { return "\(seconds / 3600)h\(two(seconds / 60 % 60))m" }
        return "\(seconds / 86_400)d\(two(seconds / 3600 % 24))h"
    }
}

import Foundation
import Storage

/// List columns (`service`, `answers`, `tags`, ...) are stored as JSON array text, which keeps
/// any string intact and lets SQL look inside with `json_each`.
enum JSONArrayText {
    static func encode(_ strings: [String]) -> String {
        if strings.isEmpty { return "[]" }
        var text = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { text += "," }
            text += "\""
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        text.unicodeScalars.append(scalar)
                    }
                }
            }
            text += "\""
        }
        return text + "]"
    }

    static func encode(_ numbers: [UInt32]) -> String {
        "[" + numbers.map { String($0) }.joined(separator: ",") + "]"
    }

    static func decodeStrings(_ text: String) throws(StorageError) -> [String] {
        if text == "[]" { return [] }
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        } catch {
            throw StorageError.corruptData.with(message: "bad JSON string list")
        }
    }

    static func decodeNumbers(_ text: String) throws(StorageError) -> [UInt32] {
        if text == "[]" { return [] }
        do {
            return try JSONDecoder().decode([UInt32].self, from: Data(text.utf8))
        } catch {
            throw StorageError.corruptData.with(message: "bad JSON number list")
        }
    }
}

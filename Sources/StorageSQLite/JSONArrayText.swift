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
        if let strings = plainStrings(text) { return strings }
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        } catch {
            throw StorageError.corruptData.with(message: "bad JSON string list")
        }
    }

    static func decodeNumbers(_ text: String) throws(StorageError) -> [UInt32] {
        if text == "[]" { return [] }
        if let numbers = plainNumbers(text) { return numbers }
        do {
            return try JSONDecoder().decode([UInt32].self, from: Data(text.utf8))
        } catch {
            throw StorageError.corruptData.with(message: "bad JSON number list")
        }
    }

    /// `["a","b"]` as ``encode(_:)-([String])`` writes it when no string needs an escape (the
    /// common case, read on every query row); nil for anything else, which goes to
    /// `JSONDecoder`. Foundation's decoder cost more per row than the rest of the row together.
    static func plainStrings(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]"),
              !bytes.contains(UInt8(ascii: "\\")) else { return nil }
        var strings: [String] = []
        var index = 1
        let end = bytes.count - 1
        while index < end {
            if !strings.isEmpty {
                guard bytes[index] == UInt8(ascii: ",") else { return nil }
                index += 1
            }
            guard index < end, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            guard let close = bytes[start..<end].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            guard !bytes[start..<close].contains(where: { $0 < 0x20 }) else { return nil }
            strings.append(String(decoding: bytes[start..<close], as: UTF8.self))
            index = close + 1
        }
        return strings
    }

    /// `[1,2,3]` as ``encode(_:)-([UInt32])`` writes it; nil for anything else.
    static func plainNumbers(_ text: String) -> [UInt32]? {
        guard text.utf8.first == UInt8(ascii: "["), text.utf8.last == UInt8(ascii: "]") else { return nil }
        var numbers: [UInt32] = []
        for part in text.utf8.dropFirst().dropLast().split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.count <= 10, part.count == 1 || part.first != 0x30,
                  part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let number = UInt32(String(decoding: part, as: UTF8.self)) else { return nil }
            numbers.append(number)
        }
        return numbers
    }
}

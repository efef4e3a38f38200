import Storage
@testable import StorageSQLite
import Testing

/// SQLite's list columns: the fast readers of the common form agree with `JSONDecoder`, and
/// anything else still goes through it (or is reported as corrupt).
@Suite("SQLite JSON list columns")
struct JSONArrayTextTests {
    @Test func stringListsRoundTrip() throws {
        let lists: [[String]] = [
            [], [""], ["a"], ["198.51.100.1", "2001:db8::1", "www.example.com"], ["a,b", "c]d", "[e"],
            ["quote\"inside", "back\\slash"], ["tab\there", "line\nbreak", "\u{1}"], ["naïve ☃ 𝄞"],
        ]
        for list in lists {
            let text = JSONArrayText.encode(list)
            #expect(try JSONArrayText.decodeStrings(text) == list, "\(text)")
        }
        // The fast reader takes only escape-free lists and leaves the rest to the decoder.
        #expect(JSONArrayText.plainStrings(#"["a","b"]"#) == ["a", "b"])
        #expect(JSONArrayText.plainStrings(#"["a\"b"]"#) == nil)
        #expect(JSONArrayText.plainStrings(#"[ "a", "b" ]"#) == nil)
        #expect(try JSONArrayText.decodeStrings(#"[ "a", "b" ]"#) == ["a", "b"])
    }

    @Test func malformedStringListsAreCorrupt() {
        // (A trailing comma is JSONDecoder's to judge: it accepts one.)
        for text in [#"[,"a"]"#, #"["a""b"]"#, #"["a"#, "[", #"["a"]x"#, "[1]", #"{"a":1}"#] {
            #expect(throws: StorageError.self, "\(text)") { try JSONArrayText.decodeStrings(text) }
        }
    }

    @Test func numberListsRoundTripAndRejectWhatJSONRejects() throws {
        for list: [UInt32] in [[], [0], [300], [1, 2, 3], [UInt32.max]] {
            #expect(try JSONArrayText.decodeNumbers(JSONArrayText.encode(list)) == list)
        }
        #expect(try JSONArrayText.decodeNumbers("[ 1, 2 ]") == [1, 2])
        for text in ["[,1]", "[1,,2]", "[01]", "[4294967296]", "[-1]", "[1.5]", "[a]", "1,2"] {
            #expect(throws: StorageError.self, "\(text)") { try JSONArrayText.decodeNumbers(text) }
        }
    }
}

/// A JSON value as the query API sends it, parsed without Foundation's `JSONSerialization` (which
/// boxes every value and made parsing the largest cost of `fleetctl dns` on thousands of rows).
/// Numbers keep their text, so nothing is lost or reformatted on the way to a table or Zeek TSV.
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number, exactly as written (`300`, `0.000123`, `-1e3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A malformed document; `offset` is where parsing stopped.
    struct ParseError: Error, Equatable {
        var offset: Int
    }

    /// Nesting deeper than this is rejected (the API nests three levels at most).
    static let maximumDepth = 64

    /// Parses one complete document (surrounding white space allowed).
    /// - Throws: ``ParseError`` for anything that is not exactly one JSON value.
    static func parse(_ bytes: some Collection<UInt8>) throws(ParseError) -> JSONValue {
        let buffer = Array(bytes)
        var parser = Parser(bytes: buffer)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == buffer.count else { throw ParseError(offset: parser.index) }
        return value
    }

    /// Bounds-checked recursive descent over the bytes.
    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        private func failure() -> ParseError { ParseError(offset: index) }

        mutating func value(depth: Int) throws(ParseError) -> JSONValue {
            guard depth < JSONValue.maximumDepth, let byte = current else { throw failure() }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        private mutating func literal(_ word: StaticString) throws(ParseError) {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { throw failure() }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw failure() }
            index += count
        }

        private mutating func object(depth: Int) throws(ParseError) -> JSONValue {
            index += 1  // {
            var members: [String: JSONValue] = [:]
            // A record line is one flat object of ~25 fields: room for them at once, not five regrowths.
            if depth == 0 { members.reserveCapacity(32) }
            skipSpace()
            if current == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else { throw failure() }
                let key = try string()
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw failure() }
                index += 1
                skipSpace()
                members[key] = try value(depth: depth + 1)
                skipSpace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(members)
                default: throw failure()
                }
            }
        }

        private mutating func array(depth: Int) throws(ParseError) -> JSONValue {
            index += 1  // [
            var elements: [JSONValue] = []
            skipSpace()
            if current == UInt8(ascii: "]") { index += 1; return .array(elements) }
            while true {
                skipSpace()
                elements.append(try value(depth: depth + 1))
                skipSpace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array(elements)
                default: throw failure()
                }
            }
        }

        private mutating func number() throws(ParseError) -> String {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            guard try digits() > 0 else { throw failure() }
            if current == UInt8(ascii: ".") {
                index += 1
                guard try digits() > 0 else { throw failure() }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard try digits() > 0 else { throw failure() }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        private mutating func digits() throws(ParseError) -> Int {
            let start = index
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }

        /// A string token; `index` is at its opening quote.
        private mutating func string() throws(ParseError) -> String {
            index += 1
            let start = index
            // Fast path: no escapes.
            while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                guard byte >= 0x20 else { throw failure() }
                index += 1
            }
            guard let stop = current else { throw failure() }
            if stop == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: bytes[start..<(index - 1)], as: UTF8.self)
            }
            var utf8 = Array(bytes[start..<index])
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    try escape(into: &utf8)
                case 0..<0x20:
                    throw failure()
                default:
                    utf8.append(byte)
                }
            }
            throw failure()
        }

        private mutating func escape(into utf8: inout [UInt8]) throws(ParseError) {
            guard let byte = current else { throw failure() }
            index += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(try hex4())
                if (0xD800..<0xDC00).contains(scalar), bytes.count - index >= 6,
                   bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    let resume = index
                    index += 2
                    let low = UInt32(try hex4())
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index = resume
                    }
                }
                // Lone surrogates become U+FFFD, as String(decoding:) would make of them.
                utf8.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
            default:
                throw failure()
            }
        }

        private mutating func hex4() throws(ParseError) -> UInt16 {
            guard bytes.count - index >= 4 else { throw failure() }
            var value: UInt16 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw failure()
                }
                value = value << 4 | UInt16(digit)
                index += 1
            }
            return value
        }
    }
}

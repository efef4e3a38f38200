import FleetModel

/// Byte-level text encodings of Zeek's writers.
enum ZeekEscaping {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `\xNN`.
    @inline(__always)
    static func appendHexEscape(_ byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        output.append(UInt8(ascii: "x"))
        output.append(hexDigits[Int(byte >> 4)])
        output.append(hexDigits[Int(byte & 0x0f)])
    }

    /// A string field as Zeek's ASCII writer prints it: `(empty)` for "",
    /// `\x2d` for a lone `-`, control bytes, DEL, `\` and (inside sets) `,`
    /// as `\xNN`; valid UTF-8 passes unchanged.
    static func appendTSV(_ text: String, inSet: Bool, to output: inout [UInt8]) {
        if text.isEmpty {
            output.append(contentsOf: "(empty)".utf8)
            return
        }
        if text == "-" {
            appendHexEscape(UInt8(ascii: "-"), to: &output)
            return
        }
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "\\") || (inSet && byte == UInt8(ascii: ",")) {
                appendHexEscape(byte, to: &output)
            } else {
                output.append(byte)
            }
        }
    }

    /// How a JSON string's control characters are written.
    enum JSONEscapes {
        /// Zeek's JSON writer: `\n`, `\r`, `\t`, every other control byte and DEL as `\u00NN`.
        case zeek
        /// Foundation's `JSONSerialization`: `\b` and `\f` as well, DEL unescaped.
        case foundation
    }

    /// A JSON string literal (with quotes): `"` and `\` backslash-escaped,
    /// control bytes as `\u00NN`, UTF-8 passed through, as Zeek's JSON writer
    /// (or, with `.foundation`, as `JSONSerialization`).
    static func appendJSONString(_ text: String, escapes: JSONEscapes = .zeek, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Runs of bytes that need no escape are copied whole.
            var run = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                        || (byte == 0x7f && escapes == .zeek) else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                appendJSONEscape(byte, escapes: escapes, to: &output)
                run = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendJSONEscape(_ byte: UInt8, escapes: JSONEscapes, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x0a: output.append(UInt8(ascii: "n"))
        case 0x0d: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x08 where escapes == .foundation: output.append(UInt8(ascii: "b"))
        case 0x0c where escapes == .foundation: output.append(UInt8(ascii: "f"))
        default:
            output.append(contentsOf: "u00".utf8)
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0f)])
        }
    }

    /// Microseconds as a JSON number: six decimals with trailing zeros trimmed
    /// (at least one decimal kept), e.g. `1300475167.096535`, `120.0`.
    static func appendJSONSeconds(_ microseconds: Int64, to output: inout [UInt8]) {
        appendSixDecimals(microseconds, to: &output)
        // Six decimals were written: trim zeros back to the first decimal at most.
        var trimmed = 0
        while trimmed < 5, output[output.count - 1] == UInt8(ascii: "0") {
            output.removeLast()
            trimmed += 1
        }
    }

    // MARK: - Numbers and addresses written as bytes
    //
    // The writer's hottest values (times, counts, ports, IPv4 addresses) go straight into the
    // output: through `String` each cost an allocation or a formatting pass, a quarter of
    // `fleetctl analyze` with logs on a busy capture. Each agrees with its `String` form (tested).

    /// Decimal digits of `value`.
    @inline(__always)
    static func appendDecimal(_ value: UInt64, to output: inout [UInt8]) {
        if value < 10 {
            output.append(0x30 &+ UInt8(truncatingIfNeeded: value))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var value = value
            var count = 0
            while value > 0 {
                digits[19 - count] = 0x30 &+ UInt8(truncatingIfNeeded: value % 10)
                value /= 10
                count += 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - count)...]))
        }
    }

    /// `60.991770`: Zeek's `time`/`interval` text (``sixDecimals(_:)``) as bytes.
    static func appendSixDecimals(_ value: Int64, to output: inout [UInt8]) {
        // Written backwards into a stack buffer (divisions by the constant 10 only), appended once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 28) { text in
            var end = 28
            let magnitude = value.magnitude
            var fraction = magnitude % 1_000_000
            var whole = magnitude / 1_000_000
            for _ in 0..<6 {
                end -= 1
                text[end] = 0x30 &+ UInt8(truncatingIfNeeded: fraction % 10)
                fraction /= 10
            }
            end -= 1
            text[end] = UInt8(ascii: ".")
            repeat {
                end -= 1
                text[end] = 0x30 &+ UInt8(truncatingIfNeeded: whole % 10)
                whole /= 10
            } while whole > 0
            if value < 0 {
                end -= 1
                text[end] = UInt8(ascii: "-")
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: text[end...]))
        }
    }

    /// An address as Zeek prints it (``IPAddress/description``): IPv4 written here, IPv6 through its text.
    static func appendAddress(_ address: IPAddress, to output: inout [UInt8]) {
        switch address {
        case .v4(let value):
            appendDecimal(UInt64(value >> 24), to: &output)
            output.append(UInt8(ascii: "."))
            appendDecimal(UInt64((value >> 16) & 0xff), to: &output)
            output.append(UInt8(ascii: "."))
            appendDecimal(UInt64((value >> 8) & 0xff), to: &output)
            output.append(UInt8(ascii: "."))
            appendDecimal(UInt64(value & 0xff), to: &output)
        case .v6:
            output.append(contentsOf: address.description.utf8)
        }
    }

    /// `60.991770`: Zeek's `time`/`interval` text.
    static func sixDecimals(_ value: Int64) -> String {
        let magnitude = value.magnitude
        let fraction = String(magnitude % 1_000_000)
        return (value < 0 ? "-" : "") + String(magnitude / 1_000_000) + "."
            + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}

/// JSON string literals exactly as Zeek's JSON writer (and ``ZeekLogWriter``) writes them, for code
/// that splices its own fields into Zeek JSON lines.
public enum ZeekJSONText {
    /// Appends `text` as a quoted JSON string literal.
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        ZeekEscaping.appendJSONString(text, to: &output)
    }
}

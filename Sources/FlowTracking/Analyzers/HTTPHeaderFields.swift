import FleetModel
import ProtocolParsers

/// Maps request headers onto http.log fields.
enum HTTPHeaderFields {
    /// `name` and `value` are the raw header bytes (`HTTPEvent.header`); only the values of the
    /// headers http.log shows become (escaped) text. Names are matched with ASCII case folding,
    /// which for escaped names is the same as comparing `lowercased()` names.
    static func applyRequestHeader(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, to record: inout HTTPRecord) {
        switch name.count {
        case 4:
            if asciiCaseInsensitiveEqual(name, "host") { record.host = text(value) }
        case 7:
            if asciiCaseInsensitiveEqual(name, "referer") { record.referrer = text(value) }
        case 10:
            if asciiCaseInsensitiveEqual(name, "user-agent") { record.userAgent = text(value) }
        case 6:
            if asciiCaseInsensitiveEqual(name, "origin") { record.origin = text(value) }
        case 13:
            if asciiCaseInsensitiveEqual(name, "authorization") { applyAuthorization(text(value), to: &record) }
        default:
            if record.proxied.count < 16, isProxyHeader(name) {
                // Zeek's `HTTP::proxy_headers`, logged as `NAME -> value`; the name is ASCII.
                record.proxied.append("\(String(decoding: name, as: UTF8.self).uppercased()) -> \(text(value))")
            }
        }
    }

    /// Raw bytes as http.log shows them.
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        HTTPEvent.text(bytes, 0..<bytes.count)
    }

    private static func isProxyHeader(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 3: return asciiCaseInsensitiveEqual(name, "via")
        case 9: return asciiCaseInsensitiveEqual(name, "forwarded") || asciiCaseInsensitiveEqual(name, "client-ip")
        case 15: return asciiCaseInsensitiveEqual(name, "x-forwarded-for")
        case 16:
            return asciiCaseInsensitiveEqual(name, "x-forwarded-from") || asciiCaseInsensitiveEqual(name, "xroxy-connection")
                || asciiCaseInsensitiveEqual(name, "proxy-connection")
        default: return false
        }
    }

    /// `Authorization: Basic ...` gives the username and password.
    private static func applyAuthorization(_ value: String, to record: inout HTTPRecord) {
        guard value.count > 6, value.prefix(6).lowercased() == "basic " else { return }
        let encoded = value.dropFirst(6).drop(while: { $0 == " " })
        guard let decoded = base64Decode(encoded.utf8) else { return }
        if let colon = decoded.firstIndex(of: 0x3a) {
            record.username = zeekEscapedText(decoded[..<colon])
            record.password = zeekEscapedText(decoded[(colon + 1)...])
        } else {
            record.username = zeekEscapedText(decoded)
        }
    }

    /// Standard base64 (padding optional); nil on invalid characters. Output bounded by input.
    static func base64Decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text {
            let value: UInt32
            switch byte {
            case 0x41...0x5a: value = UInt32(byte - 0x41)
            case 0x61...0x7a: value = UInt32(byte - 0x61 + 26)
            case 0x30...0x39: value = UInt32(byte - 0x30 + 52)
            case 0x2b: value = 62
            case 0x2f: value = 63
            case 0x3d: continue
            default: return nil
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return output
    }
}

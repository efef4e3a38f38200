import FleetModel
import ProtocolParsers

/// Maps request headers onto http.log fields.
enum HTTPHeaderFields {
    /// Header names arrive in Zeek's escaped form (`zeekEscapedText`: printable ASCII only), so
    /// comparing them with ASCII case folding is the same as comparing `lowercased()` names,
    /// without building a lower-cased copy of every header name.
    static func applyRequestHeader(name: String, value: String, to record: inout HTTPRecord) {
        if asciiCaseInsensitiveEqual(name, "host") {
            record.host = value
        } else if asciiCaseInsensitiveEqual(name, "referer") {
            record.referrer = value
        } else if asciiCaseInsensitiveEqual(name, "user-agent") {
            record.userAgent = value
        } else if asciiCaseInsensitiveEqual(name, "origin") {
            record.origin = value
        } else if asciiCaseInsensitiveEqual(name, "authorization") {
            guard value.count > 6, value.prefix(6).lowercased() == "basic " else { return }
            let encoded = value.dropFirst(6).drop(while: { $0 == " " })
            guard let decoded = base64Decode(encoded.utf8) else { return }
            if let colon = decoded.firstIndex(of: 0x3a) {
                record.username = zeekEscapedText(decoded[..<colon])
                record.password = zeekEscapedText(decoded[(colon + 1)...])
            } else {
                record.username = zeekEscapedText(decoded)
            }
        } else if proxyHeaders.contains(where: { asciiCaseInsensitiveEqual(name, $0) }), record.proxied.count < 16 {
            // Zeek's `HTTP::proxy_headers`, logged as `NAME -> value`.
            record.proxied.append("\(name.uppercased()) -> \(value)")
        }
    }

    /// Zeek's `HTTP::proxy_headers`, lower-cased.
    static let proxyHeaders: [StaticString] = [
        "forwarded", "x-forwarded-for", "x-forwarded-from", "client-ip", "via", "xroxy-connection", "proxy-connection",
    ]

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

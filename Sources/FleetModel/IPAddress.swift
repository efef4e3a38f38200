/// An IPv4 or IPv6 address as a value.
///
/// IPv4 is kept as a big-endian-ordered `UInt32` (so `10.0.0.1` is `0x0A000001`);
/// IPv6 as two `UInt64` halves in network order.
public enum IPAddress: Sendable, Hashable, Comparable, Codable {
    case v4(UInt32)
    case v6(UInt64, UInt64)

    public var isIPv4: Bool {
        if case .v4 = self { return true }
        return false
    }

    /// Text as Zeek prints it: dotted quad, or RFC 5952 compressed IPv6.
    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
        case .v6(let high, let low):
            return Self.formatIPv6(high: high, low: low)
        }
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): return a < b
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v6(let ah, let al), .v6(let bh, let bl)): return (ah, al) < (bh, bl)
        }
    }

    private static func formatIPv6(high: UInt64, low: UInt64) -> String {
        var groups = [UInt16](repeating: 0, count: 8)
        for i in 0..<4 {
            groups[i] = UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64(i)))
            groups[i + 4] = UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64(i)))
        }
        // IPv4-mapped (::ffff:a.b.c.d) keeps the dotted tail, as inet_ntop does.
        if high == 0 && (low >> 32) == 0xffff {
            let v4 = IPAddress.v4(UInt32(truncatingIfNeeded: low))
            return "::ffff:" + v4.description
        }
        // Longest run of zero groups (length >= 2) becomes "::".
        var bestStart = -1, bestLength = 0, runStart = -1, runLength = 0
        for i in 0..<8 {
            if groups[i] == 0 {
                if runStart < 0 { runStart = i; runLength = 0 }
                runLength += 1
                if runLength > bestLength { bestStart = runStart; bestLength = runLength }
            } else {
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        var text = ""
        var i = 0
        while i < 8 {
            if i == bestStart {
                text += "::"
                i += bestLength
                continue
            }
            if !text.isEmpty && !text.hasSuffix(":") { text += ":" }
            text += String(groups[i], radix: 16)
            i += 1
        }
        return text
    }
}

extension IPAddress: CustomStringConvertible {}

extension IPAddress {
    /// Parses dotted-quad IPv4 or IPv6 text (with `::` and an optional dotted IPv4 tail).
    /// Returns nil for anything else; never traps.
    public init?(_ text: some StringProtocol) {
        if let v4 = Self.parseIPv4(Substring(text)) {
            self = .v4(v4)
        } else if let (high, low) = Self.parseIPv6(Substring(text)) {
            self = .v6(high, low)
        } else {
            return nil
        }
    }

    /// Dotted quad: four parts of one to three ASCII digits, each at most 255 (leading zeros
    /// allowed). Read byte by byte: the detectors parse every DNS answer, most of them names.
    static func parseIPv4(_ text: Substring) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in text.utf8 {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                guard digits <= 3 else { return nil }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
            } else if byte == UInt8(ascii: ".") {
                guard digits > 0, octet <= 255, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0, octet <= 255 else { return nil }
        return value << 8 | octet
    }

    /// RFC 4291 text: eight groups of one to four hex digits, one `::` for a run of zero groups,
    /// an optional dotted-quad tail. Read byte by byte: the detectors try every DNS answer.
    static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        let utf8 = text.utf8
        guard utf8.count <= 45, utf8.contains(UInt8(ascii: ":")) else { return nil }
        if let parsed = utf8.withContiguousStorageIfAvailable({ parseIPv6(bytes: $0) }) { return parsed }
        return Array(utf8).withUnsafeBufferPointer { parseIPv6(bytes: $0) }
    }

    private static func parseIPv6(bytes b: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        let colon = UInt8(ascii: ":")
        let n = b.count
        var words = SIMD8<UInt16>()
        var count = 0
        var gap = -1
        var i = 0
        if n >= 2, b[0] == colon, b[1] == colon {
            gap = 0
            i = 2
            if i < n, b[i] == colon { return nil }
        } else if n > 0, b[0] == colon {
            return nil
        }
        while i < n {
            var end = i
            var dotted = false
            while end < n, b[end] != colon {
                if b[end] == UInt8(ascii: ".") { dotted = true }
                end += 1
            }
            if dotted {
                // A dotted quad only as the last piece, taking two groups.
                guard end == n, count <= 6,
                      let v4 = parseIPv4(Substring(decoding: UnsafeBufferPointer(rebasing: b[i..<end]), as: UTF8.self))
                else { return nil }
                words[count] = UInt16(truncatingIfNeeded: v4 >> 16)
                words[count + 1] = UInt16(truncatingIfNeeded: v4)
                count += 2
                break
            }
            guard end - i >= 1, end - i <= 4, count < 8 else { return nil }
            var value: UInt16 = 0
            for index in i..<end {
                guard let digit = hexValue(b[index]) else { return nil }
                value = value << 4 | UInt16(digit)
            }
            words[count] = value
            count += 1
            if end == n { break }
            // At a colon: "::" (once, not followed by a third colon) or a separator before a group.
            if end + 1 < n, b[end + 1] == colon {
                guard gap < 0 else { return nil }
                gap = count
                i = end + 2
                if i < n, b[i] == colon { return nil }
            } else {
                i = end + 1
                guard i < n else { return nil }
            }
        }
        if gap >= 0 {
            guard count <= 7 else { return nil }
            // The groups after the gap move to the end; the gap is zeros.
            let tail = count - gap
            var expanded = SIMD8<UInt16>()
            for index in 0..<gap { expanded[index] = words[index] }
            for index in 0..<tail { expanded[8 - tail + index] = words[gap + index] }
            words = expanded
        } else {
            guard count == 8 else { return nil }
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for index in 0..<4 { high = high << 16 | UInt64(words[index]) }
        for index in 4..<8 { low = low << 16 | UInt64(words[index]) }
        return (high, low)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

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

    static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var halves: [String] = [String(text)]
        if let gap = text.firstRange(of: "::") {
            let after = text[gap.upperBound...]
            guard after.firstRange(of: "::") == nil, !after.hasPrefix(":") else { return nil }
            halves = [String(text[..<gap.lowerBound]), String(after)]
        }
        func groups(_ part: String, allowV4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowV4Tail, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    result.append(UInt16(v4 >> 16))
                    result.append(UInt16(v4 & 0xffff))
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, let group = UInt16(piece, radix: 16) else { return nil }
                result.append(group)
            }
            return result
        }
        if halves.count == 2 {
            guard let h = groups(halves[0], allowV4Tail: false), let t = groups(halves[1], allowV4Tail: true),
                  h.count + t.count <= 7 else { return nil }
            head = h
            tail = t
        } else {
            guard let h = groups(halves[0], allowV4Tail: true), h.count == 8 else { return nil }
            head = h
        }
        let all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<4 { high = high << 16 | UInt64(all[i]) }
        for i in 4..<8 { low = low << 16 | UInt64(all[i]) }
        return (high, low)
    }
}

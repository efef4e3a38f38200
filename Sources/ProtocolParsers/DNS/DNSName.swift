/// Domain-name decoding with compression, safe against loops and overruns.
enum DNSName {
    /// Longest decompressed name in wire bytes (RFC 1035).
    static let maxWireLength = 255
    /// Most compression pointers followed for one name.
    static let maxJumps = 64

    /// Reads a possibly compressed name at the cursor and leaves the cursor after it.
    /// Pointers must point strictly backwards, so decoding always terminates.
    static func read(_ cursor: inout ByteCursor) throws(DNSParseError) -> String {
        // The escaped text is built in a stack buffer and decoded once: at most 255 wire
        // bytes, each at most 4 bytes escaped (`\xNN`), plus the dots.
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4 * maxWireLength) { buffer throws(DNSParseError) -> String in
            let count = try read(&cursor, into: buffer)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
        }
    }

    /// Validates the name at the cursor exactly as `read` does (same errors) and leaves the
    /// cursor after it, without decoding any text: labels are stepped over, not copied.
    static func skip(_ cursor: inout ByteCursor) throws(DNSParseError) {
        _ = try read(&cursor, into: nil)
    }

    /// Moves the cursor past the name at it without following compression pointers or checking
    /// anything but bounds: for names `skip` already validated.
    static func stepOver(_ cursor: inout ByteCursor) throws(DNSParseError) {
        let bytes = cursor.bytes
        var position = cursor.offset
        while true {
            guard position >= 0, position < bytes.count else { throw .truncated(offset: position, field: .name) }
            let length = bytes[position]
            if length == 0 {
                cursor.offset = position + 1
                return
            }
            if length & 0xc0 == 0xc0 {
                guard position + 1 < bytes.count else { throw .truncated(offset: position, field: .name) }
                cursor.offset = position + 2
                return
            }
            guard length & 0xc0 == 0 else { throw .badLabelType(offset: position) }
            position += 1 + Int(length)
        }
    }

    /// Whether the name at `offset` (already validated by `skip`) is labels ending in a zero
    /// byte, without any compression pointer.
    static func isPlain(at offset: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
        var position = offset
        while position >= 0, position < bytes.count {
            let length = bytes[position]
            if length == 0 { return true }
            guard length & 0xc0 == 0 else { return false }
            position += 1 + Int(length)
        }
        return false
    }

    /// The name at `offset` of `bytes` as text (Zeek's escaped, lower-cased form), or nil when
    /// it does not decode.
    static func text(at offset: Int, in bytes: UnsafeRawBufferPointer) -> String? {
        var cursor = ByteCursor(bytes, offset: offset)
        return try? read(&cursor)
    }

    /// Decodes the name at the cursor into `text` in Zeek's escaped, lower-cased form and
    /// returns its length; `text` must hold `4 * maxWireLength` bytes. Without `text` the
    /// name is only validated (every check is the same) and 0 is returned.
    private static func read(_ cursor: inout ByteCursor, into text: UnsafeMutableBufferPointer<UInt8>?) throws(DNSParseError) -> Int {
        let bytes = cursor.bytes
        var position = cursor.offset
        var resumeAt: Int? = nil
        var jumps = 0
        // Each pointer must target a position before the previous target, so decoding terminates.
        var limit = Int.max
        var wireLength = 1
        var count = 0
        while true {
            guard position >= 0, position < bytes.count else {
                throw .truncated(offset: position, field: .name)
            }
            let length = bytes[position]
            switch length & 0xc0 {
            case 0x00:
                if length == 0 {
                    cursor.offset = resumeAt ?? (position + 1)
                    return count
                }
                let labelStart = position + 1
                let labelEnd = labelStart + Int(length)
                guard labelEnd <= bytes.count else { throw .truncated(offset: position, field: .name) }
                wireLength += Int(length) + 1
                guard wireLength <= maxWireLength else { throw .nameTooLong(offset: position) }
                position = labelEnd
                // wireLength <= 255 bounds count: each byte adds at most 4, each dot 1.
                guard let text else { continue }
                if count > 0 { text[count] = 0x2e; count += 1 }
                var index = labelStart
                // Eight printable bytes at a time, lower-cased in one word (most labels).
                if let output = UnsafeMutableRawPointer(text.baseAddress) {
                    while labelEnd - index >= 8 {
                        let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        guard let lowered = lowercasedIfPrintable(word) else { break }
                        // `text` holds 4 bytes per wire byte: these 8 fit.
                        output.storeBytes(of: lowered, toByteOffset: count, as: UInt64.self)
                        count += 8
                        index += 8
                    }
                }
                while index < labelEnd {
                    defer { index += 1 }
                    let raw = bytes[index]
                    // Zeek lower-cases names (ASCII letters only), then escapes the rest.
                    let byte = raw >= 0x41 && raw <= 0x5a ? raw | 0x20 : raw
                    if byte >= 0x20 && byte < 0x7f {
                        text[count] = byte
                        count += 1
                    } else {
                        text[count] = UInt8(ascii: "\\")
                        text[count + 1] = UInt8(ascii: "x")
                        text[count + 2] = hexByte(byte >> 4)
                        text[count + 3] = hexByte(byte & 0xf)
                        count += 4
                    }
                }
            case 0xc0:
                guard position + 1 < bytes.count else { throw .truncated(offset: position, field: .name) }
                let target = Int(length & 0x3f) << 8 | Int(bytes[position + 1])
                guard target < position, target < limit else { throw .badPointer(offset: position) }
                limit = target
                jumps += 1
                guard jumps <= maxJumps else { throw .compressionLoop(offset: position) }
                if resumeAt == nil { resumeAt = position + 2 }
                position = target
            default:
                throw .badLabelType(offset: position)
            }
        }
    }

    /// The eight bytes of `word` with ASCII upper-case letters lower-cased, or nil unless all
    /// are printable ASCII (0x20...0x7e). Byte order does not matter: every step is per byte.
    @inline(__always)
    static func lowercasedIfPrintable(_ word: UInt64) -> UInt64? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        // With every high bit clear, no step below carries or borrows across bytes.
        guard word & high == 0,
              ((word | high) &- 0x20 &* ones) & high == high,  // each byte >= 0x20
              (word &+ ones) & high == 0  // each byte < 0x7f
        else { return nil }
        let atLeastA = word &+ (0x80 - 0x41) &* ones
        let pastZ = word &+ (0x80 - 0x5b) &* ones
        let upper = atLeastA & ~pastZ & high
        return word | (upper >> 2)
    }

    /// See `decodeNetBIOSName(_:)`.: a 32-letter first-level NetBIOS encoding becomes the
    /// 15-character name with trailing spaces removed; anything else is returned unchanged.
    static func decodeNetBIOS(_ name: String) -> String {
        let label = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let utf8 = label.utf8.map { $0 >= 0x61 && $0 <= 0x7a ? $0 & ~0x20 : $0 }
        guard utf8.count == 32, utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x50 }) else { return name }
        var decoded: [UInt8] = []
        for i in 0..<16 {
            decoded.append((utf8[2 * i] - 0x41) << 4 | (utf8[2 * i + 1] - 0x41))
        }
        var visible = Array(decoded.prefix(15))
        while let last = visible.last, last == 0x20 || last == 0 { visible.removeLast() }
        return zeekEscapedText(visible)
    }
}

/// Zeek's `decode_netbios_name`: a 32-letter first-level NetBIOS encoding becomes the
/// 15-character name with trailing spaces removed; anything else is returned unchanged.
public func decodeNetBIOSName(_ name: String) -> String {
    DNSName.decodeNetBIOS(name)
}

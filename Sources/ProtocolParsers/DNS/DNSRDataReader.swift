import FleetModel

/// Decodes RDATA for the types Zeek summarises in dns.log.
enum DNSRDataReader {
    /// Reads the RDATA of `type` in `[start, end)`. With `decode` false every check is made
    /// (same errors) but no text is built: names are stepped over and come back empty, as
    /// do TXT strings and SSHFP fingerprints.
    static func read(type: UInt16, cursor whole: ByteCursor, start: Int, end: Int, decode: Bool = true) throws(DNSParseError) -> DNSRData {
        // Names may point anywhere earlier in the message, so keep the whole buffer,
        // but check that fixed fields stay inside [start, end).
        var cursor = whole
        cursor.offset = start
        let length = end - start
        func readName(_ cursor: inout ByteCursor) throws(DNSParseError) -> String {
            if decode { return try DNSName.read(&cursor) }
            try DNSName.skip(&cursor)
            return ""
        }
        // Empty RDATA is legal in UPDATE messages (delete / prerequisite forms).
        if length == 0 { return .other(length: 0) }
        switch type {
        case 1:
            guard length == 4, let v = cursor.u32() else { throw .badRData(offset: start, type: type) }
            return .address(.v4(v))
        case 28:
            guard length == 16, let a = cursor.u32(), let b = cursor.u32(), let c = cursor.u32(), let d = cursor.u32()
            else { throw .badRData(offset: start, type: type) }
            return .address(.v6(UInt64(a) << 32 | UInt64(b), UInt64(c) << 32 | UInt64(d)))
        case 2, 5, 12, 39:
            let name = try readName(&cursor)
            guard cursor.offset <= end else { throw .badRData(offset: start, type: type) }
            return .name(name)
        case 15:
            guard let preference = cursor.u16() else { throw .badRData(offset: start, type: type) }
            let name = try readName(&cursor)
            guard cursor.offset <= end else { throw .badRData(offset: start, type: type) }
            return .mx(preference: preference, exchange: name)
        case 16, 99:
            var strings: [String] = []
            var lengths: [Int] = []
            while cursor.offset < end {
                guard let count = cursor.u8(), cursor.offset + Int(count) <= end, let text = cursor.take(Int(count))
                else { throw .badRData(offset: start, type: type) }
                if decode && strings.count < 1024 {
                    strings.append(zeekEscapedText(text))
                    lengths.append(Int(count))
                }
            }
            return .text(strings, lengths: lengths)
        case 33:
            guard let priority = cursor.u16(), let weight = cursor.u16(), let port = cursor.u16()
            else { throw .badRData(offset: start, type: type) }
            let target = try readName(&cursor)
            guard cursor.offset <= end else { throw .badRData(offset: start, type: type) }
            return .srv(priority: priority, weight: weight, port: port, target: target)
        case 6:
            let mname = try readName(&cursor)
            let rname = try readName(&cursor)
            guard let serial = cursor.u32(), let refresh = cursor.u32(), let retry = cursor.u32(),
                  let expire = cursor.u32(), let minimum = cursor.u32(), cursor.offset <= end
            else { throw .badRData(offset: start, type: type) }
            return .soa(mname: mname, rname: rname, serial: serial, refresh: refresh, retry: retry,
                        expire: expire, minimum: minimum)
        case 46:
            guard let covered = cursor.u16(), let algorithm = cursor.u8(), cursor.skip(1 + 4 + 4 + 4 + 2)
            else { throw .badRData(offset: start, type: type) }
            let signer = try readName(&cursor)
            guard cursor.offset <= end else { throw .badRData(offset: start, type: type) }
            return .rrsig(typeCovered: covered, algorithm: algorithm, signer: signer)
        case 48:
            guard length >= 4, cursor.skip(3), let algorithm = cursor.u8() else { throw .badRData(offset: start, type: type) }
            return .dnskey(algorithm: algorithm)
        case 43:
            guard length >= 4, cursor.skip(2), let algorithm = cursor.u8(), let digest = cursor.u8()
            else { throw .badRData(offset: start, type: type) }
            return .ds(algorithm: algorithm, digestType: digest)
        case 44:
            guard length >= 2, let algorithm = cursor.u8(), let fpType = cursor.u8(),
                  let fingerprint = cursor.take(length - 2)
            else { throw .badRData(offset: start, type: type) }
            var hex = ""
            for byte in fingerprint where decode {
                hex.unicodeScalars.append(hexDigit(byte >> 4))
                hex.unicodeScalars.append(hexDigit(byte & 0xf))
            }
            return .sshfp(algorithm: algorithm, fingerprintType: fpType, fingerprintHex: hex)
        case 47:
            let next = try readName(&cursor)
            guard cursor.offset <= end else { throw .badRData(offset: start, type: type) }
            return .nsec(nextName: next)
        default:
            return .other(length: length)
        }
    }
}

import FleetModel

extension DNSResourceRecord {
    /// The `answers` entry Zeek's dns.log shows for this record (base/protocols/dns/main.zeek
    /// `do_reply` callers). An empty string means Zeek counts the answer (AA, RA, rtt) but logs
    /// no text or TTL for it; nil means Zeek's script never sees it (OPT, TKEY, TSIG).
    public var zeekAnswerText: String? {
        switch data {
        case .address(let address):
            return addressText(address)
        case .name(let name):
            return type == 39 ? "<unknown type=39>" : name
        case .mx(_, let exchange):
            return exchange
        case .text(let strings, let lengths):
            let tag = type == 99 ? "SPF" : "TXT"
            var text = ""
            for (index, string) in strings.enumerated() {
                if index > 0 { text += " " }
                let length = index < lengths.count ? lengths[index] : string.utf8.count
                text += "\(tag) \(length) \(string)"
            }
            return text
        case .srv(_, _, _, let target):
            return target
        case .soa(let mname, _, _, _, _, _, _):
            return mname
        case .rrsig(let covered, _, let signer):
            return "RRSIG \(covered) \(signer.isEmpty ? "<Root>" : signer)"
        case .dnskey(let algorithm):
            return "DNSKEY \(algorithm)"
        case .ds(let algorithm, let digestType):
            return "DS \(algorithm) \(digestType)"
        case .sshfp(_, _, let hex):
            return "SSHFP: \(hex)"
        case .nsec(let next):
            return "NSEC \(name) \(next)"
        case .other:
            switch type {
            case 11: return ""
            case 41, 249, 250: return nil
            case 50: return "NSEC3"
            case 51: return "NSEC3PARAM"
            default: return "<unknown type=\(type)>"
            }
        }
    }
}


extension DNSResourceRecord {
    /// Zeek's dns.log text for a record of a dynamic UPDATE (opcode 5) message.
    /// - Parameter prerequisite: true for the prerequisite (answer) section, false for the
    ///   update (authority) section.
    public func zeekUpdateText(prerequisite: Bool) -> String? {
        let typeName = dnsQTypeName(type)
        let value = rclass == 1 ? (zeekAnswerText ?? "") : ""
        if prerequisite {
            switch (rclass, type) {
            case (255, 255): return "pre: YXDomain \(name)"
            case (254, 255): return "pre: NXDomain \(name)"
            case (255, _): return "pre: YXRRSet \(typeName) \(name)"
            case (254, _): return "pre: NoRRSet \(typeName) \(name)"
            default: return "pre: RRSet \(typeName) \(name) \(value)"
            }
        }
        switch (rclass, type) {
        case (255, 255): return "del: all \(name)"
        case (255, _): return "del: RRSet \(typeName)"
        case (254, _): return "del: \(typeName) \(name)"
        default: return "add: \(typeName) \(name) \(value)"
        }
    }
}

/// An address as `IPAddress.description` prints it (dotted quad; RFC 5952 IPv6 with a
/// dotted tail for IPv4-mapped addresses), built as bytes without string interpolation:
/// every A and AAAA record of every DNS reply goes through here.
func addressText(_ address: IPAddress) -> String {
    if case .v4(let value) = address {
        // At most 15 bytes: written in place into a small (inline) string.
        return String(unsafeUninitializedCapacity: 15) { text in
            var count = 0
            appendDottedQuad(value, to: text, count: &count)
            return count
        }
    }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { text in
        var count = 0
        switch address {
        case .v4(let value):
            appendDottedQuad(value, to: text, count: &count)
        case .v6(let high, let low):
            if high == 0 && (low >> 32) == 0xffff {
                for byte in "::ffff:".utf8 { text[count] = byte; count += 1 }
                appendDottedQuad(UInt32(truncatingIfNeeded: low), to: text, count: &count)
                break
            }
            // Group `i` (0...7) of the address: shifted out of its half (no vector to index).
            func group(_ i: Int) -> UInt16 {
                UInt16(truncatingIfNeeded: (i < 4 ? high : low) >> UInt64(48 &- 16 &* (i & 3)))
            }
            // Longest run of zero groups (length >= 2) becomes "::" (the first of equals).
            var bestStart = -1, bestLength = 0, runStart = -1, runLength = 0
            for i in 0..<8 {
                if group(i) == 0 {
                    if runStart < 0 { runStart = i; runLength = 0 }
                    runLength += 1
                    if runLength > bestLength { bestStart = runStart; bestLength = runLength }
                } else {
                    runStart = -1
                }
            }
            if bestLength < 2 { bestStart = -1 }
            var i = 0
            while i < 8 {
                if i == bestStart {
                    text[count] = 0x3a; text[count + 1] = 0x3a; count += 2
                    i += bestLength
                    continue
                }
                if count > 0 && text[count - 1] != 0x3a { text[count] = 0x3a; count += 1 }
                // Hex digits without leading zeros (at least one).
                let value = group(i)
                var shift = max(0, (15 - value.leadingZeroBitCount) / 4 * 4)
                while shift >= 0 {
                    text[count] = hexByte(UInt8(truncatingIfNeeded: value >> UInt16(shift)) & 0xf)
                    count += 1
                    shift -= 4
                }
                i += 1
            }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: text[0..<count]), as: UTF8.self)
    }
}

private func appendDottedQuad(_ value: UInt32, to text: UnsafeMutableBufferPointer<UInt8>, count: inout Int) {
    for index in 0..<4 {
        let octet = UInt8(truncatingIfNeeded: value >> UInt32(24 - 8 * index))
        if index > 0 { text[count] = 0x2e; count += 1 }
        if octet >= 100 { text[count] = 0x30 + octet / 100; count += 1 }
        if octet >= 10 { text[count] = 0x30 + (octet / 10) % 10; count += 1 }
        text[count] = 0x30 + octet % 10
        count += 1
    }
}

import FleetModel

extension DNSResourceRecord {
    /// The `answers` entry Zeek's dns.log shows for this record (base/protocols/dns/main.zeek
    /// `do_reply` callers). An empty string means Zeek counts the answer (AA, RA, rtt) but logs
    /// no text or TTL for it; nil means Zeek's script never sees it (OPT, TKEY, TSIG).
    public var zeekAnswerText: String? {
        switch data {
        case .address(let address):
            return dottedQuad(address) ?? address.description
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

/// An IPv4 address as a dotted quad, built without string interpolation (nil for IPv6).
/// Same text as `IPAddress.description`, at a fraction of the cost: every A record of
/// every DNS reply goes through here.
func dottedQuad(_ address: IPAddress) -> String? {
    guard case .v4(let value) = address else { return nil }
    var bytes: (UInt64, UInt64) = (0, 0)
    let count = withUnsafeMutableBytes(of: &bytes) { raw -> Int in
        var count = 0
        for shift in [24, 16, 8, 0] as [UInt32] {
            let octet = UInt8(truncatingIfNeeded: value >> shift)
            if shift != 24 { raw[count] = 0x2e; count += 1 }
            if octet >= 100 { raw[count] = 0x30 + octet / 100; count += 1 }
            if octet >= 10 { raw[count] = 0x30 + (octet / 10) % 10; count += 1 }
            raw[count] = 0x30 + octet % 10
            count += 1
        }
        return count
    }
    return withUnsafeBytes(of: &bytes) { raw in
        String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<count]), as: UTF8.self)
    }
}

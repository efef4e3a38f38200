import FleetModel

extension DNSResourceRecord {
    /// The `answers` entry Zeek's dns.log shows for this record (base/protocols/dns/main.zeek
    /// `do_reply` callers). An empty string means Zeek counts the answer (AA, RA, rtt) but logs
    /// no text or TTL for it; nil means Zeek's script never sees it (OPT, TKEY, TSIG).
    public var zeekAnswerText: String? {
        switch data {
        case .address(let address):
            return address.description
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


/// Zeek's dns.log name tables (base/protocols/dns/consts.zeek) with Zeek's
/// fallbacks for unknown values.
///
/// Internal stand-in until FleetModel's public `dnsQTypeName(_:)` family lands
/// on main; then these forward to it and the tables go.
enum ZeekDNSNames {
    /// `qtype_name`: `A`, `AAAA`, `*`, ... or `query-<n>`.
    static func qtype(_ qtype: UInt16) -> String {
        qtypeNames[qtype] ?? "query-\(qtype)"
    }

    /// `rcode_name`: `NOERROR`, `NXDOMAIN`, ... or `rcode-<n>`.
    static func rcode(_ rcode: UInt16) -> String {
        if rcode == 3842 { return "BADSIG" }
        if Int(rcode) < rcodeNames.count { return rcodeNames[Int(rcode)] }
        return "rcode-\(rcode)"
    }

    /// `qclass_name`: `C_INTERNET`, ... or `qclass-<n>`.
    static func qclass(_ qclass: UInt16) -> String {
        switch qclass {
        case 1: return "C_INTERNET"
        case 2: return "C_CSNET"
        case 3: return "C_CHAOS"
        case 4: return "C_HESIOD"
        case 254: return "C_NONE"
        case 255: return "C_ANY"
        default: return "qclass-\(qclass)"
        }
    }

    /// `opcode_name`; NetBIOS name service (port 137) has its own table.
    static func opcode(_ opcode: UInt16, netbios: Bool) -> String {
        if netbios {
            switch opcode {
            case 0: return "netbios-query"
            case 5: return "netbios-registration"
            case 6: return "netbios-release"
            case 7: return "netbios-wack"
            case 8: return "netbios-refresh"
            default: return "netbios-opcode-\(opcode)"
            }
        }
        switch opcode {
        case 0: return "query"
        case 1: return "iquery"
        case 2: return "server-status"
        case 4: return "notify"
        case 5: return "dynamic-update"
        case 6: return "dso"
        default: return "opcode-\(opcode)"
        }
    }
}

private let rcodeNames: [String] = [
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSet",
    "NOTAUTH", "NOTZONE", "unassigned-11", "unassigned-12", "unassigned-13", "unassigned-14", "unassigned-15",
    "BADVERS", "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG", "BADTRUNC", "BADCOOKIE",
]

private let qtypeNames: [UInt16: String] = [
    1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR", 10: "NULL",
    11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB", 19: "X25",
    20: "ISDN", 21: "RT", 22: "NSAP", 23: "NSAP-PTR", 24: "SIG", 25: "KEY", 26: "PX", 27: "GPOS", 28: "AAAA",
    29: "LOC", 30: "NXT", 31: "EID", 32: "NIMLOC", 33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX", 37: "CERT",
    38: "A6", 39: "DNAME", 40: "SINK", 41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP", 45: "IPSECKEY",
    46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 49: "DHCID", 50: "NSEC3", 51: "NSEC3PARAM", 52: "TLSA",
    53: "SMIMEA", 55: "HIP", 56: "NINFO", 57: "RKEY", 58: "TALINK", 59: "CDS", 60: "CDNSKEY",
    61: "OPENPGPKEY", 62: "CSYNC", 63: "ZONEMD", 64: "SVCB", 65: "HTTPS", 99: "SPF", 100: "UINFO",
    101: "UID", 102: "GID", 103: "UNSPEC", 104: "NID", 105: "L32", 106: "L64", 107: "LP", 108: "EUI48",
    109: "EUI64", 249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR", 253: "MAILB", 254: "MAILA", 255: "*",
    256: "URI", 257: "CAA", 32768: "TA", 32769: "DLV", 65281: "WINS", 65282: "WINS-R", 65422: "XPF",
    65521: "INTEGRITY",
]

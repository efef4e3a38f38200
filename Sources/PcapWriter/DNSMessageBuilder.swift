public import FleetModel

/// One resource record in a DNS answer section.
public struct DNSAnswer: Sendable, Hashable {
    /// Record data.
    public enum RecordData: Sendable, Hashable {
        case a(IPAddress)
        case aaaa(IPAddress)
        case cname(String)
        case txt(String)
    }

    public var name: String
    public var data: RecordData
    public var ttl: UInt32

    public init(name: String, data: RecordData, ttl: UInt32) {
        self.name = name
        self.data = data
        self.ttl = ttl
    }
}

/// DNS wire-format messages (RFC 1035) for test and benchmark captures.
public enum DNSMessageBuilder {
    /// Query types.
    public static let typeA: UInt16 = 1
    public static let typeCNAME: UInt16 = 5
    public static let typeTXT: UInt16 = 16
    public static let typeAAAA: UInt16 = 28

    /// A standard query for `name`/`type` (class IN).
    public static func query(id: UInt16, name: String, type: UInt16, recursionDesired: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(id)
        bytes.appendBigEndian(UInt16(recursionDesired ? 0x0100 : 0))
        bytes.appendBigEndian(UInt16(1))  // QDCOUNT
        bytes.appendBigEndian(UInt16(0))
        bytes.appendBigEndian(UInt16(0))
        bytes.appendBigEndian(UInt16(0))
        appendName(name, to: &bytes)
        bytes.appendBigEndian(type)
        bytes.appendBigEndian(UInt16(1))
        return bytes
    }

    /// A response echoing the question, with `answers`; answers whose owner is the
    /// question name use a compression pointer to it.
    ///
    /// - Parameters:
    ///   - rcode: response code (0 NOERROR, 3 NXDOMAIN).
    ///   - authoritative: sets AA.
    public static func response(
        id: UInt16, name: String, type: UInt16, answers: [DNSAnswer], rcode: UInt8 = 0,
        recursionDesired: Bool = true, authoritative: Bool = false
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        var flags: UInt16 = 0x8000 | 0x0080  // QR, RA
        if recursionDesired { flags |= 0x0100 }
        if authoritative { flags |= 0x0400 }
        flags |= UInt16(rcode & 0x0f)
        bytes.appendBigEndian(id)
        bytes.appendBigEndian(flags)
        bytes.appendBigEndian(UInt16(1))
        bytes.appendBigEndian(UInt16(truncatingIfNeeded: answers.count))
        bytes.appendBigEndian(UInt16(0))
        bytes.appendBigEndian(UInt16(0))
        appendName(name, to: &bytes)
        bytes.appendBigEndian(type)
        bytes.appendBigEndian(UInt16(1))
        for answer in answers {
            if answer.name.lowercased() == name.lowercased() {
                bytes.appendBigEndian(UInt16(0xc00c))
            } else {
                appendName(answer.name, to: &bytes)
            }
            var rdata: [UInt8] = []
            let rtype: UInt16
            switch answer.data {
            case .a(let address):
                rtype = typeA
                if case .v4(let value) = address { rdata.appendBigEndian(value) }
            case .aaaa(let address):
                rtype = typeAAAA
                if case .v6(let high, let low) = address {
                    rdata.appendBigEndian(high)
                    rdata.appendBigEndian(low)
                }
            case .cname(let target):
                rtype = typeCNAME
                appendName(target, to: &rdata)
            case .txt(let text):
                rtype = typeTXT
                let utf8 = Array(text.utf8.prefix(255))
                rdata.append(UInt8(utf8.count))
                rdata.append(contentsOf: utf8)
            }
            bytes.appendBigEndian(rtype)
            bytes.appendBigEndian(UInt16(1))
            bytes.appendBigEndian(answer.ttl)
            bytes.appendBigEndian(UInt16(truncatingIfNeeded: rdata.count))
            bytes.append(contentsOf: rdata)
        }
        return bytes
    }

    /// Appends `name` as uncompressed labels (each cut to 63 bytes) and the root label.
    public static func appendName(_ name: String, to bytes: inout [UInt8]) {
        for label in name.split(separator: ".") {
            let utf8 = Array(label.utf8.prefix(63))
            bytes.append(UInt8(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        bytes.append(0)
    }
}

public import FleetModel

/// Why a DNS message could not be parsed. `offset` is where the problem was found.
public enum DNSParseError: Error, Hashable, Sendable {
    /// The message ended inside `field`.
    case truncated(offset: Int, field: DNSField)
    /// A label length byte used the reserved 0x40/0x80 forms.
    case badLabelType(offset: Int)
    /// A compression pointer pointed forward, at itself, or past the end.
    case badPointer(offset: Int)
    /// Too many compression jumps (a loop).
    case compressionLoop(offset: Int)
    /// The decompressed name exceeded 255 bytes.
    case nameTooLong(offset: Int)
    /// A record's data did not fit its declared RDLENGTH.
    case badRData(offset: Int, type: UInt16)
}

/// The part of a DNS message a parse error refers to.
public enum DNSField: String, Hashable, Sendable {
    case header, name, question, recordHeader, rdata
}

/// The fixed 12-byte DNS header.
public struct DNSHeader: Hashable, Sendable {
    public var id: UInt16
    public var flags: UInt16
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16

    /// The 12-byte header at `cursor` (the start of a message of `messageLength` bytes).
    static func read(_ cursor: inout ByteCursor, messageLength: Int) throws(DNSParseError) -> DNSHeader {
        // One bounds check and three loads for the whole header.
        let offset = cursor.offset
        guard offset >= 0, cursor.bytes.count - offset >= 12 else { throw .truncated(offset: messageLength, field: .header) }
        let first = UInt32(bigEndian: cursor.bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        let second = UInt32(bigEndian: cursor.bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        let third = UInt32(bigEndian: cursor.bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self))
        cursor.offset = offset + 12
        return DNSHeader(
            id: UInt16(truncatingIfNeeded: first >> 16), flags: UInt16(truncatingIfNeeded: first),
            questionCount: UInt16(truncatingIfNeeded: second >> 16), answerCount: UInt16(truncatingIfNeeded: second),
            authorityCount: UInt16(truncatingIfNeeded: third >> 16), additionalCount: UInt16(truncatingIfNeeded: third))
    }

    public var isResponse: Bool { flags & 0x8000 != 0 }
    public var opcode: UInt16 { (flags >> 11) & 0xf }
    public var authoritative: Bool { flags & 0x0400 != 0 }
    public var truncated: Bool { flags & 0x0200 != 0 }
    public var recursionDesired: Bool { flags & 0x0100 != 0 }
    public var recursionAvailable: Bool { flags & 0x0080 != 0 }
    /// Zeek's `Z`: the three bits between RA and RCODE.
    public var z: UInt16 { (flags >> 4) & 0x7 }
    public var rcode: UInt16 { flags & 0xf }
}

/// One entry of the question section.
public struct DNSQuestion: Hashable, Sendable {
    public var name: String
    public var type: UInt16
    public var qclass: UInt16
}

/// Decoded record data for the types Fleetwatch logs.
public enum DNSRData: Hashable, Sendable {
    case address(IPAddress)
    /// CNAME, PTR, NS, DNAME: one domain name.
    case name(String)
    case mx(preference: UInt16, exchange: String)
    /// TXT or SPF: the character-strings in Zeek's escaped text form, with their raw byte lengths.
    case text([String], lengths: [Int])
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: String)
    case soa(mname: String, rname: String, serial: UInt32, refresh: UInt32, retry: UInt32, expire: UInt32, minimum: UInt32)
    case rrsig(typeCovered: UInt16, algorithm: UInt8, signer: String)
    case dnskey(algorithm: UInt8)
    case ds(algorithm: UInt8, digestType: UInt8)
    case sshfp(algorithm: UInt8, fingerprintType: UInt8, fingerprintHex: String)
    case nsec(nextName: String)
    /// WKS, NSEC3, OPT and every other type: not decoded, only its length.
    case other(length: Int)
}

/// A resource record from the answer, authority or additional section.
public struct DNSResourceRecord: Hashable, Sendable {
    public var name: String
    public var type: UInt16
    public var rclass: UInt16
    public var ttl: UInt32
    public var data: DNSRData
}

/// A parsed DNS message.
public struct DNSMessage: Hashable, Sendable {
    public var header: DNSHeader
    public var questions: [DNSQuestion]
    public var answers: [DNSResourceRecord]
    public var authorities: [DNSResourceRecord]
    public var additionals: [DNSResourceRecord]

    /// Most records of each section kept; more are skipped (parsed for bounds, not stored).
    public static let maxRecordsPerSection = 256

    /// Parses one DNS message (a UDP payload or one TCP frame without its length prefix).
    /// - Throws: `DNSParseError` on truncation or malformed names; never traps.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(DNSParseError) -> DNSMessage {
        var cursor = ByteCursor(bytes)
        let header = try DNSHeader.read(&cursor, messageLength: bytes.count)
        var message = DNSMessage(header: header, questions: [], answers: [], authorities: [], additionals: [])
        for _ in 0..<Int(header.questionCount) {
            let name = try DNSName.read(&cursor)
            guard let type = cursor.u16(), let qclass = cursor.u16() else {
                throw .truncated(offset: cursor.offset, field: .question)
            }
            if message.questions.count < maxRecordsPerSection {
                message.questions.append(DNSQuestion(name: name, type: type, qclass: qclass))
            }
        }
        try readSection(&cursor, count: header.answerCount, into: &message.answers)
        try readSection(&cursor, count: header.authorityCount, into: &message.authorities)
        try readSection(&cursor, count: header.additionalCount, into: &message.additionals)
        return message
    }

    private static func readSection(
        _ cursor: inout ByteCursor, count: UInt16, into records: inout [DNSResourceRecord]
    ) throws(DNSParseError) {
        for _ in 0..<Int(count) {
            let record = try readRecord(&cursor)
            if records.count < maxRecordsPerSection { records.append(record) }
        }
    }

    private static func readRecord(_ cursor: inout ByteCursor) throws(DNSParseError) -> DNSResourceRecord {
        let name = try DNSName.read(&cursor)
        guard let type = cursor.u16(), let rclass = cursor.u16(), let ttl = cursor.u32(), let length = cursor.u16()
        else { throw .truncated(offset: cursor.offset, field: .recordHeader) }
        let start = cursor.offset
        let end = start + Int(length)
        guard end <= cursor.bytes.count else { throw .truncated(offset: cursor.offset, field: .rdata) }
        let data = try DNSRDataReader.read(type: type, cursor: cursor, start: start, end: end)
        cursor.offset = end
        return DNSResourceRecord(name: name, type: type, rclass: rclass, ttl: ttl, data: data)
    }
}

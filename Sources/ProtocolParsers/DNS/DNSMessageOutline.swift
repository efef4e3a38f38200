import FleetModel

/// Where a question lies in a message: its fixed fields read, its name left in the wire bytes.
public struct DNSQuestionLocation: Hashable, Sendable {
    /// Offset of the (possibly compressed) name in the message.
    public var nameOffset: Int
    public var type: UInt16
    public var qclass: UInt16
}

/// Where a resource record lies in a message: its fixed fields read, its owner name and its
/// data left in the wire bytes until they are asked for.
public struct DNSRecordLocation: Hashable, Sendable {
    /// Offset of the (possibly compressed) owner name in the message.
    public var nameOffset: Int
    public var type: UInt16
    public var rclass: UInt16
    public var ttl: UInt32
    /// The RDATA, as offsets into the message.
    public var data: Range<Int>
}

/// A DNS message checked exactly as `DNSMessage.parse` checks it (every section, the same
/// errors at the same offsets) without decoding a single name into text.
///
/// A monitor usually needs a few texts of a message (a query's name, a reply's answer
/// data); the outline finds them, and `name(at:in:)` / `record(_:in:)` decode only those.
/// The offsets refer to the bytes the outline was made from: keep them for the same bytes.
public struct DNSMessageOutline: Hashable, Sendable {
    public var header: DNSHeader
    /// The first question, if the message has one.
    public var firstQuestion: DNSQuestionLocation?
    /// Offset of the answer section.
    public var answersOffset: Int

    /// Checks a whole message (a UDP payload or one TCP frame without its length prefix).
    /// - Throws: the `DNSParseError` `DNSMessage.parse` throws for the same bytes.
    public static func scan(_ bytes: UnsafeRawBufferPointer) throws(DNSParseError) -> DNSMessageOutline {
        var cursor = ByteCursor(bytes)
        let header = try DNSHeader.read(&cursor, messageLength: bytes.count)
        var firstQuestion: DNSQuestionLocation?
        // The first question's name, at 12, valid and without pointers: a record's owner name
        // that is just a pointer to it (most of them) is valid without walking it again.
        var plainNameAt12 = false
        for _ in 0..<Int(header.questionCount) {
            let nameOffset = cursor.offset
            try DNSName.skip(&cursor)
            guard let type = cursor.u16(), let qclass = cursor.u16() else {
                throw .truncated(offset: cursor.offset, field: .question)
            }
            if firstQuestion == nil {
                firstQuestion = DNSQuestionLocation(nameOffset: nameOffset, type: type, qclass: qclass)
                plainNameAt12 = nameOffset == 12 && DNSName.isPlain(at: 12, in: bytes)
            }
        }
        let answersOffset = cursor.offset
        for _ in 0..<(Int(header.answerCount) + Int(header.authorityCount) + Int(header.additionalCount)) {
            let location = try DNSMessage.readRecordHeader(&cursor, plainNameAt12: plainNameAt12)
            let length = location.data.count
            // A and AAAA (most records) are checked here: only their length can be wrong.
            switch location.type {
            case 1 where length == 4 || length == 0, 28 where length == 16 || length == 0:
                break
            default:
                _ = try DNSRDataReader.read(
                    type: location.type, cursor: cursor, start: location.data.lowerBound, end: location.data.upperBound,
                    decode: false)
            }
            cursor.offset = location.data.upperBound
        }
        return DNSMessageOutline(header: header, firstQuestion: firstQuestion, answersOffset: answersOffset)
    }

    /// The answer section's records (the first `DNSMessage.maxRecordsPerSection`, as `DNSMessage.answers`).
    /// - Parameter bytes: the bytes the outline was made from.
    public func answers(in bytes: UnsafeRawBufferPointer) -> DNSRecordIterator {
        DNSRecordIterator(
            cursor: ByteCursor(bytes, offset: answersOffset),
            remaining: min(Int(header.answerCount), DNSMessage.maxRecordsPerSection))
    }

    /// The name at `offset` as `DNSMessage` shows it (Zeek's escaped, lower-cased form);
    /// nil when it does not decode (never for an offset of a scanned message).
    public static func name(at offset: Int, in bytes: UnsafeRawBufferPointer) -> String? {
        DNSName.text(at: offset, in: bytes)
    }

    /// The record at `location`, decoded as `DNSMessage` decodes it; the owner name only with
    /// `ownerName` (else empty). Nil when it does not decode (never for a scanned message).
    public static func record(
        _ location: DNSRecordLocation, in bytes: UnsafeRawBufferPointer, ownerName: Bool
    ) -> DNSResourceRecord? {
        guard location.data.lowerBound >= 0, location.data.upperBound <= bytes.count,
              let data = try? DNSRDataReader.read(
                type: location.type, cursor: ByteCursor(bytes), start: location.data.lowerBound,
                end: location.data.upperBound)
        else { return nil }
        var name = ""
        if ownerName {
            guard let text = DNSName.text(at: location.nameOffset, in: bytes) else { return nil }
            name = text
        }
        return DNSResourceRecord(name: name, type: location.type, rclass: location.rclass, ttl: location.ttl, data: data)
    }
}

extension DNSMessageOutline {
    /// The `answers` entry Zeek's dns.log shows for the record at `location`: exactly
    /// `record(location, in: bytes, ownerName: location.type == 47)?.zeekAnswerText`, with
    /// A and AAAA answers (most of every reply) written straight from their bytes.
    /// - Parameter bytes: the bytes the outline was made from.
    public static func answerText(_ location: DNSRecordLocation, in bytes: UnsafeRawBufferPointer) -> String? {
        let data = location.data
        if data.lowerBound >= 0, data.upperBound <= bytes.count {
            var cursor = ByteCursor(bytes, offset: data.lowerBound)
            if location.type == 1, data.count == 4, let value = cursor.u32() {
                return addressText(.v4(value))
            }
            if location.type == 28, data.count == 16, let a = cursor.u32(), let b = cursor.u32(),
               let c = cursor.u32(), let d = cursor.u32() {
                return addressText(.v6(UInt64(a) << 32 | UInt64(b), UInt64(c) << 32 | UInt64(d)))
            }
        }
        return record(location, in: bytes, ownerName: location.type == 47)?.zeekAnswerText
    }
}

/// Steps through the records of one section of a scanned message.
public struct DNSRecordIterator: IteratorProtocol {
    var cursor: ByteCursor
    var remaining: Int

    /// The next record's location, or nil at the end of the section.
    public mutating func next() -> DNSRecordLocation? {
        // The message was scanned: owner names are stepped over without following pointers.
        guard remaining > 0, let location = try? DNSMessage.readRecordHeader(&cursor, nameChecked: true) else { return nil }
        remaining -= 1
        cursor.offset = location.data.upperBound
        return location
    }
}

extension DNSMessage {
    /// Reads a record's owner name (checked, not decoded) and fixed fields, leaving the cursor at
    /// its RDATA; the RDATA range is checked against the message.
    /// With `nameChecked` (a scanned message) the name is stepped over without following its
    /// pointers; the reads stay bounds-checked.
    /// With `plainNameAt12` (the name at offset 12 is valid and has no pointers) an owner name
    /// that is only a pointer to 12 is taken as valid at once: walking it would find the same.
    static func readRecordHeader(
        _ cursor: inout ByteCursor, nameChecked: Bool = false, plainNameAt12: Bool = false
    ) throws(DNSParseError) -> DNSRecordLocation {
        let nameOffset = cursor.offset
        if nameChecked {
            try DNSName.stepOver(&cursor)
        } else if plainNameAt12, nameOffset > 12, cursor.bytes.count - nameOffset >= 2,
                  cursor.bytes[nameOffset] == 0xc0, cursor.bytes[nameOffset + 1] == 12 {
            cursor.offset = nameOffset + 2
        } else {
            try DNSName.skip(&cursor)
        }
        // The ten fixed bytes in one bounds check (the name's end is inside the message).
        let offset = cursor.offset
        guard offset >= 0, cursor.bytes.count - offset >= 10 else {
            // The same offset the field-by-field reads stop at.
            let fixed = max(0, cursor.bytes.count - offset)
            throw .truncated(offset: offset + (fixed >= 8 ? 8 : fixed >= 4 ? 4 : fixed & ~1), field: .recordHeader)
        }
        let first = UInt64(bigEndian: cursor.bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        let length = UInt16(bigEndian: cursor.bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt16.self))
        let start = offset + 10
        cursor.offset = start
        let end = start + Int(length)
        guard end <= cursor.bytes.count else { throw .truncated(offset: start, field: .rdata) }
        return DNSRecordLocation(
            nameOffset: nameOffset, type: UInt16(truncatingIfNeeded: first >> 48),
            rclass: UInt16(truncatingIfNeeded: first >> 32), ttl: UInt32(truncatingIfNeeded: first), data: start..<end)
    }
}

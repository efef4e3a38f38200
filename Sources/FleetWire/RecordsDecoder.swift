internal import FleetModel
internal import FleetProto
internal import Foundation

/// One column being read in record order; every read is bounds-checked.
struct Column<Value> {
    private let values: [Value]
    private var position = 0
    let name: String

    init(_ values: [Value], _ name: String) {
        self.values = values
        self.name = name
    }

    /// Requires exactly `count` entries (dense column).
    init(_ values: [Value], _ name: String, count: Int) throws(WireCodecError) {
        guard values.count == count else {
            throw WireCodecError.invalidRecords.with("column \(name) has \(values.count) entries for \(count) records")
        }
        self.init(values, name)
    }

    mutating func next() throws(WireCodecError) -> Value {
        guard position < values.count else {
            throw WireCodecError.invalidRecords.with("column \(name) is too short")
        }
        defer { position += 1 }
        return values[position]
    }

    /// Fails when entries are left over (a sparse column longer than its flags say).
    func finish() throws(WireCodecError) {
        guard position == values.count else {
            throw WireCodecError.invalidRecords.with("column \(name) has \(values.count - position) extra entries")
        }
    }
}

/// Rebuilds a ``RecordBatch`` from `fleet.v1.Records`, validating every
/// reference, column length and value.
struct RecordsDecoder {
    let strings: [String]
    let addresses: [IPAddress]
    let lists: [[String]]
    let uids: [String]

    /// Number of records the columns announce, before any of them is decoded.
    static func recordCount(_ records: Fleet_V1_Records) -> Int {
        Int(records.conns.count) + Int(records.dns.count) + Int(records.http.count)
            + Int(records.ssl.count) + Int(records.weirds.count)
    }

    static func decode(_ records: Fleet_V1_Records) throws(WireCodecError) -> RecordBatch {
        let decoder = try RecordsDecoder(tables: records)
        var batch = RecordBatch()
        batch.conns = try decoder.decodeConns(records.conns)
        batch.dns = try decoder.decodeDNS(records.dns)
        batch.http = try decoder.decodeHTTP(records.http)
        batch.ssl = try decoder.decodeSSL(records.ssl)
        batch.weirds = try decoder.decodeWeirds(records.weirds)
        return batch
    }

    private init(tables records: Fleet_V1_Records) throws(WireCodecError) {
        strings = records.strings
        var addresses: [IPAddress] = []
        addresses.reserveCapacity(records.addresses.count)
        for bytes in records.addresses {
            addresses.append(try Self.address(from: bytes))
        }
        self.addresses = addresses
        let stringCount = records.strings.count
        var lists: [[String]] = []
        lists.reserveCapacity(records.lists.count)
        for list in records.lists {
            var items: [String] = []
            items.reserveCapacity(list.items.count)
            for ref in list.items {
                guard ref > 0, Int(ref) <= stringCount else {
                    throw WireCodecError.invalidRecords.with("list item \(ref) outside the string table")
                }
                items.append(records.strings[Int(ref) - 1])
            }
            lists.append(items)
        }
        self.lists = lists

        let table = records.uids
        var forms = Column(table.form, "uids.form")
        var word1 = Column(table.word1, "uids.word1")
        var word2 = Column(table.word2, "uids.word2")
        var literal = Column(table.literal, "uids.literal")
        var uids: [String] = []
        uids.reserveCapacity(table.form.count)
        for _ in 0..<table.form.count {
            let form = try forms.next()
            if form == 0 {
                let ref = try literal.next()
                guard ref > 0, Int(ref) <= stringCount else {
                    throw WireCodecError.invalidRecords.with("uid literal \(ref) outside the string table")
                }
                uids.append(records.strings[Int(ref) - 1])
            } else {
                guard let uid = UIDCodec.unpack(form: form, word1: try word1.next(), word2: try word2.next()) else {
                    throw WireCodecError.invalidRecords.with("invalid packed uid form \(form)")
                }
                uids.append(uid)
            }
        }
        try word1.finish()
        try word2.finish()
        try literal.finish()
        self.uids = uids
    }

    static func address(from bytes: Data) throws(WireCodecError) -> IPAddress {
        switch bytes.count {
        case 4:
            let value = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return .v4(value)
        case 16:
            var high: UInt64 = 0, low: UInt64 = 0
            for (offset, byte) in bytes.enumerated() {
                if offset < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            }
            return .v6(high, low)
        default:
            throw WireCodecError.invalidValue.with("address of \(bytes.count) bytes")
        }
    }

    // MARK: References

    func string(_ ref: UInt32, _ field: String) throws(WireCodecError) -> String? {
        guard ref != 0 else { return nil }
        guard Int(ref) <= strings.count else {
            throw WireCodecError.invalidRecords.with("\(field): string \(ref) outside the table of \(strings.count)")
        }
        return strings[Int(ref) - 1]
    }

    func requiredString(_ ref: UInt32, _ field: String) throws(WireCodecError) -> String {
        guard let value = try string(ref, field) else {
            throw WireCodecError.invalidRecords.with("\(field) is required")
        }
        return value
    }

    func address(_ ref: UInt32, _ field: String) throws(WireCodecError) -> IPAddress {
        guard Int(ref) < addresses.count else {
            throw WireCodecError.invalidRecords.with("\(field): address \(ref) outside the table of \(addresses.count)")
        }
        return addresses[Int(ref)]
    }

    func list(_ ref: UInt32, _ field: String) throws(WireCodecError) -> [String] {
        guard ref != 0 else { return [] }
        guard Int(ref) <= lists.count else {
            throw WireCodecError.invalidRecords.with("\(field): list \(ref) outside the table of \(lists.count)")
        }
        return lists[Int(ref) - 1]
    }

    func uid(at index: Int, _ field: String) throws(WireCodecError) -> String {
        guard index >= 0, index < uids.count else {
            throw WireCodecError.invalidRecords.with("\(field): uid \(index) outside the table of \(uids.count)")
        }
        return uids[index]
    }

    /// Applies a uid delta to the running index.
    func uid(delta: Int64, previous: inout Int, _ field: String) throws(WireCodecError) -> String {
        let (next, overflow) = Int64(previous).addingReportingOverflow(delta)
        guard !overflow, next >= 0, next < Int64(uids.count) else {
            throw WireCodecError.invalidRecords.with("\(field): uid delta \(delta) leaves the table")
        }
        previous = Int(next)
        return uids[previous]
    }

    static func port(_ value: UInt32, _ field: String) throws(WireCodecError) -> UInt16 {
        guard let port = UInt16(exactly: value) else {
            throw WireCodecError.invalidValue.with("\(field) \(value) is not a 16-bit value")
        }
        return port
    }

    /// opt16: 0 unset, v + 1 the value v.
    static func optional16(_ value: UInt32, _ field: String) throws(WireCodecError) -> UInt16? {
        guard value != 0 else { return nil }
        guard let result = UInt16(exactly: value - 1) else {
            throw WireCodecError.invalidValue.with("\(field) \(value) is not an optional 16-bit value")
        }
        return result
    }

    static func transport(_ code: UInt32) -> TransportProtocol {
        WireMapping.transports[Int(code & 3)]
    }

    static func triState(_ code: UInt32, _ field: String) throws(WireCodecError) -> Bool? {
        switch code {
        case 0: return nil
        case 1: return false
        case 2: return true
        default: throw WireCodecError.invalidValue.with("\(field) tri-state \(code)")
        }
    }
}

extension RecordsEncoder {
    /// opt16: 0 unset, v + 1 the value v.
    static func optional16(_ value: UInt16?) -> UInt32 {
        value.map { UInt32($0) + 1 } ?? 0
    }
}

internal import FleetModel
internal import FleetProto

/// Bits of `DnsColumns.flags` above the 2-bit proto.
private enum DNSFlag {
    static let authoritative: UInt32 = 1 << 2
    static let truncated: UInt32 = 1 << 3
    static let recursionDesired: UInt32 = 1 << 4
    static let recursionAvailable: UInt32 = 1 << 5
    static let rejected: UInt32 = 1 << 6
    static let rtt: UInt32 = 1 << 7
    static let known: UInt32 = (1 << 8) - 1
}

extension RecordsEncoder {
    mutating func encodeDNS(_ records: [DNSRecord]) -> Fleet_V1_DnsColumns {
        var ts = [Int64](), uid = [Int64](), flags = [UInt32](), rtt = [Int64]()
        var origH = [UInt32](), origP = [UInt32](), respH = [UInt32](), respP = [UInt32]()
        var transID = [UInt32](), query = [UInt32](), qclass = [UInt32](), qtype = [UInt32]()
        var rcode = [UInt32](), opcode = [UInt32](), z = [UInt32]()
        var answerCount = [UInt32](), answers = [UInt32](), ttlCount = [UInt32](), ttls = [UInt32]()
        var previousTS: Int64 = 0, previousUID = 0
        for record in records {
            ts.append(record.ts.microseconds &- previousTS)
            previousTS = record.ts.microseconds
            let uidIndex = self.uid(record.uid)
            uid.append(Int64(uidIndex - previousUID))
            previousUID = uidIndex
            origH.append(address(record.id.originatorHost))
            origP.append(UInt32(record.id.originatorPort))
            respH.append(address(record.id.responderHost))
            respP.append(UInt32(record.id.responderPort))
            var flag = Self.protoCode(record.proto)
            if record.authoritative { flag |= DNSFlag.authoritative }
            if record.truncated { flag |= DNSFlag.truncated }
            if record.recursionDesired { flag |= DNSFlag.recursionDesired }
            if record.recursionAvailable { flag |= DNSFlag.recursionAvailable }
            if record.rejected { flag |= DNSFlag.rejected }
            if let value = record.rtt {
                flag |= DNSFlag.rtt
                rtt.append(value.microseconds)
            }
            flags.append(flag)
            transID.append(Self.optional16(record.transactionID))
            query.append(string(record.query))
            qclass.append(Self.optional16(record.qclass))
            qtype.append(Self.optional16(record.qtype))
            rcode.append(Self.optional16(record.rcode))
            opcode.append(Self.optional16(record.opcode))
            z.append(UInt32(record.z))
            answerCount.append(UInt32(record.answers.count))
            for answer in record.answers { answers.append(string(answer)) }
            ttlCount.append(UInt32(record.ttls.count))
            ttls.append(contentsOf: record.ttls)
        }
        var columns = Fleet_V1_DnsColumns()
        guard !counting else { return columns }
        columns.count = UInt32(records.count)
        columns.ts = ts
        columns.uid = uid
        columns.origH = origH
        columns.origP = origP
        columns.respH = respH
        columns.respP = respP
        columns.flags = flags
        columns.transID = transID
        columns.rtt = rtt
        columns.query = query
        columns.qclass = qclass
        columns.qtype = qtype
        columns.rcode = rcode
        columns.opcode = opcode
        columns.z = z
        columns.answerCount = answerCount
        columns.answers = answers
        columns.ttlCount = ttlCount
        columns.ttls = ttls
        return columns
    }
}

extension RecordsDecoder {
    func decodeDNS(_ columns: Fleet_V1_DnsColumns) throws(WireCodecError) -> [DNSRecord] {
        let n = Int(columns.count)
        var ts = try Column(columns.ts, "dns.ts", count: n)
        var uid = try Column(columns.uid, "dns.uid", count: n)
        var origH = try Column(columns.origH, "dns.orig_h", count: n)
        var origP = try Column(columns.origP, "dns.orig_p", count: n)
        var respH = try Column(columns.respH, "dns.resp_h", count: n)
        var respP = try Column(columns.respP, "dns.resp_p", count: n)
        var flags = try Column(columns.flags, "dns.flags", count: n)
        var transID = try Column(columns.transID, "dns.trans_id", count: n)
        var query = try Column(columns.query, "dns.query", count: n)
        var qclass = try Column(columns.qclass, "dns.qclass", count: n)
        var qtype = try Column(columns.qtype, "dns.qtype", count: n)
        var rcode = try Column(columns.rcode, "dns.rcode", count: n)
        var opcode = try Column(columns.opcode, "dns.opcode", count: n)
        var z = try Column(columns.z, "dns.z", count: n)
        var answerCount = try Column(columns.answerCount, "dns.answer_count", count: n)
        var ttlCount = try Column(columns.ttlCount, "dns.ttl_count", count: n)
        var rtt = Column(columns.rtt, "dns.rtt")
        var answers = Column(columns.answers, "dns.answers")
        var ttls = Column(columns.ttls, "dns.ttls")

        var records: [DNSRecord] = []
        records.reserveCapacity(n)
        var previousTS: Int64 = 0, previousUID = 0
        for _ in 0..<n {
            previousTS = previousTS &+ (try ts.next())
            let uidText = try self.uid(delta: try uid.next(), previous: &previousUID, "dns.uid")
            let id = ConnID(
                originatorHost: try address(try origH.next(), "dns.orig_h"),
                originatorPort: try Self.port(try origP.next(), "dns.orig_p"),
                responderHost: try address(try respH.next(), "dns.resp_h"),
                responderPort: try Self.port(try respP.next(), "dns.resp_p"))
            let flag = try flags.next()
            guard flag & ~DNSFlag.known == 0 else { throw WireCodecError.invalidValue.with("dns.flags \(flag)") }
            let answerTotal = try answerCount.next()
            var answerList: [String] = []
            for _ in 0..<answerTotal {
                // Each iteration consumes a column entry, so a huge count fails fast.
                answerList.append(try requiredString(try answers.next(), "dns.answers"))
            }
            let ttlTotal = try ttlCount.next()
            var ttlList: [UInt32] = []
            for _ in 0..<ttlTotal { ttlList.append(try ttls.next()) }
            let zValue = try z.next()
            guard let z16 = UInt16(exactly: zValue) else { throw WireCodecError.invalidValue.with("dns.z \(zValue)") }
            records.append(DNSRecord(
                ts: NetworkTime(microseconds: previousTS),
                uid: uidText,
                id: id,
                proto: Self.transport(flag),
                transactionID: try Self.optional16(try transID.next(), "dns.trans_id"),
                rtt: flag & DNSFlag.rtt != 0 ? NetworkDuration(microseconds: try rtt.next()) : nil,
                query: try string(try query.next(), "dns.query"),
                qclass: try Self.optional16(try qclass.next(), "dns.qclass"),
                qtype: try Self.optional16(try qtype.next(), "dns.qtype"),
                rcode: try Self.optional16(try rcode.next(), "dns.rcode"),
                authoritative: flag & DNSFlag.authoritative != 0,
                truncated: flag & DNSFlag.truncated != 0,
                recursionDesired: flag & DNSFlag.recursionDesired != 0,
                recursionAvailable: flag & DNSFlag.recursionAvailable != 0,
                z: z16,
                answers: answerList,
                ttls: ttlList,
                rejected: flag & DNSFlag.rejected != 0,
                opcode: try Self.optional16(try opcode.next(), "dns.opcode")
            ))
        }
        try rtt.finish()
        try answers.finish()
        try ttls.finish()
        return records
    }
}

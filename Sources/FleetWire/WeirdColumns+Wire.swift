internal import FleetModel
internal import FleetProto

private enum WeirdFlag {
    static let uid: UInt32 = 1
    static let id: UInt32 = 2
    static let notice: UInt32 = 4
}

extension RecordsEncoder {
    mutating func encodeWeirds(_ records: [WeirdRecord]) -> Fleet_V1_WeirdColumns {
        var ts = [Int64](), flags = [UInt32](), uid = [UInt32]()
        var origH = [UInt32](), origP = [UInt32](), respH = [UInt32](), respP = [UInt32]()
        var name = [UInt32](), addl = [UInt32](), peer = [UInt32](), source = [UInt32]()
        var previousTS: Int64 = 0
        for record in records {
            ts.append(record.ts.microseconds &- previousTS)
            previousTS = record.ts.microseconds
            var flag: UInt32 = record.notice ? WeirdFlag.notice : 0
            if let value = record.uid {
                flag |= WeirdFlag.uid
                uid.append(UInt32(self.uid(value)))
            }
            if let id = record.id {
                flag |= WeirdFlag.id
                origH.append(address(id.originatorHost))
                origP.append(UInt32(id.originatorPort))
                respH.append(address(id.responderHost))
                respP.append(UInt32(id.responderPort))
            }
            flags.append(flag)
            name.append(string(record.name))
            addl.append(string(record.addl))
            peer.append(string(record.peer))
            source.append(string(record.source))
        }
        var columns = Fleet_V1_WeirdColumns()
        guard !counting else { return columns }
        columns.count = UInt32(records.count)
        columns.ts = ts
        columns.flags = flags
        columns.uid = uid
        columns.origH = origH
        columns.origP = origP
        columns.respH = respH
        columns.respP = respP
        columns.name = name
        columns.addl = addl
        columns.peer = peer
        columns.source = source
        return columns
    }
}

extension RecordsDecoder {
    func decodeWeirds(_ columns: Fleet_V1_WeirdColumns) throws(WireCodecError) -> [WeirdRecord] {
        let n = Int(columns.count)
        var ts = try Column(columns.ts, "weird.ts", count: n)
        var flags = try Column(columns.flags, "weird.flags", count: n)
        var name = try Column(columns.name, "weird.name", count: n)
        var addl = try Column(columns.addl, "weird.addl", count: n)
        var peer = try Column(columns.peer, "weird.peer", count: n)
        var source = try Column(columns.source, "weird.source", count: n)
        var uid = Column(columns.uid, "weird.uid")
        var origH = Column(columns.origH, "weird.orig_h")
        var origP = Column(columns.origP, "weird.orig_p")
        var respH = Column(columns.respH, "weird.resp_h")
        var respP = Column(columns.respP, "weird.resp_p")
        var records: [WeirdRecord] = []
        records.reserveCapacity(n)
        var previousTS: Int64 = 0
        for _ in 0..<n {
            previousTS = previousTS &+ (try ts.next())
            let flag = try flags.next()
            guard flag <= 7 else { throw WireCodecError.invalidValue.with("weird.flags \(flag)") }
            let uidText = flag & WeirdFlag.uid != 0 ? try self.uid(at: Int(try uid.next()), "weird.uid") : nil
            var id: ConnID?
            if flag & WeirdFlag.id != 0 {
                id = ConnID(
                    originatorHost: try address(try origH.next(), "weird.orig_h"),
                    originatorPort: try Self.port(try origP.next(), "weird.orig_p"),
                    responderHost: try address(try respH.next(), "weird.resp_h"),
                    responderPort: try Self.port(try respP.next(), "weird.resp_p"))
            }
            records.append(WeirdRecord(
                ts: NetworkTime(microseconds: previousTS),
                uid: uidText,
                id: id,
                name: try requiredString(try name.next(), "weird.name"),
                addl: try string(try addl.next(), "weird.addl"),
                notice: flag & WeirdFlag.notice != 0,
                peer: try requiredString(try peer.next(), "weird.peer"),
                source: try string(try source.next(), "weird.source")
            ))
        }
        try uid.finish()
        try origH.finish()
        try origP.finish()
        try respH.finish()
        try respP.finish()
        return records
    }
}

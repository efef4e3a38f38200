internal import FleetModel
internal import FleetProto

extension RecordsEncoder {
    mutating func encodeSSL(_ records: [SSLRecord]) -> Fleet_V1_SslColumns {
        var ts = [Int64](), uid = [Int64](), flags = [UInt32]()
        var origH = [UInt32](), origP = [UInt32](), respH = [UInt32](), respP = [UInt32]()
        var version = [UInt32](), cipher = [UInt32](), curve = [UInt32](), serverName = [UInt32]()
        var lastAlert = [UInt32](), nextProtocol = [UInt32](), history = [UInt32]()
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
            flags.append((record.resumed ? 1 : 0) | (record.established ? 2 : 0))
            version.append(string(record.version))
            cipher.append(string(record.cipher))
            curve.append(string(record.curve))
            serverName.append(string(record.serverName))
            lastAlert.append(string(record.lastAlert))
            nextProtocol.append(string(record.nextProtocol))
            history.append(string(record.sslHistory))
        }
        var columns = Fleet_V1_SslColumns()
        guard !counting else { return columns }
        columns.count = UInt32(records.count)
        columns.ts = ts
        columns.uid = uid
        columns.origH = origH
        columns.origP = origP
        columns.respH = respH
        columns.respP = respP
        columns.flags = flags
        columns.version = version
        columns.cipher = cipher
        columns.curve = curve
        columns.serverName = serverName
        columns.lastAlert = lastAlert
        columns.nextProtocol = nextProtocol
        columns.sslHistory = history
        return columns
    }
}

extension RecordsDecoder {
    func decodeSSL(_ columns: Fleet_V1_SslColumns) throws(WireCodecError) -> [SSLRecord] {
        let n = Int(columns.count)
        var ts = try Column(columns.ts, "ssl.ts", count: n)
        var uid = try Column(columns.uid, "ssl.uid", count: n)
        var origH = try Column(columns.origH, "ssl.orig_h", count: n)
        var origP = try Column(columns.origP, "ssl.orig_p", count: n)
        var respH = try Column(columns.respH, "ssl.resp_h", count: n)
        var respP = try Column(columns.respP, "ssl.resp_p", count: n)
        var flags = try Column(columns.flags, "ssl.flags", count: n)
        var version = try Column(columns.version, "ssl.version", count: n)
        var cipher = try Column(columns.cipher, "ssl.cipher", count: n)
        var curve = try Column(columns.curve, "ssl.curve", count: n)
        var serverName = try Column(columns.serverName, "ssl.server_name", count: n)
        var lastAlert = try Column(columns.lastAlert, "ssl.last_alert", count: n)
        var nextProtocol = try Column(columns.nextProtocol, "ssl.next_protocol", count: n)
        var history = try Column(columns.sslHistory, "ssl.ssl_history", count: n)
        var records: [SSLRecord] = []
        records.reserveCapacity(n)
        var previousTS: Int64 = 0, previousUID = 0
        for _ in 0..<n {
            previousTS = previousTS &+ (try ts.next())
            let uidText = try self.uid(delta: try uid.next(), previous: &previousUID, "ssl.uid")
            let id = ConnID(
                originatorHost: try address(try origH.next(), "ssl.orig_h"),
                originatorPort: try Self.port(try origP.next(), "ssl.orig_p"),
                responderHost: try address(try respH.next(), "ssl.resp_h"),
                responderPort: try Self.port(try respP.next(), "ssl.resp_p"))
            let flag = try flags.next()
            guard flag <= 3 else { throw WireCodecError.invalidValue.with("ssl.flags \(flag)") }
            records.append(SSLRecord(
                ts: NetworkTime(microseconds: previousTS),
                uid: uidText,
                id: id,
                version: try string(try version.next(), "ssl.version"),
                cipher: try string(try cipher.next(), "ssl.cipher"),
                curve: try string(try curve.next(), "ssl.curve"),
                serverName: try string(try serverName.next(), "ssl.server_name"),
                resumed: flag & 1 != 0,
                lastAlert: try string(try lastAlert.next(), "ssl.last_alert"),
                nextProtocol: try string(try nextProtocol.next(), "ssl.next_protocol"),
                established: flag & 2 != 0,
                sslHistory: try string(try history.next(), "ssl.ssl_history")
            ))
        }
        return records
    }
}

internal import FleetModel
internal import FleetProto

extension RecordsEncoder {
    mutating func encodeHTTP(_ records: [HTTPRecord]) -> Fleet_V1_HttpColumns {
        var ts = [Int64](), uid = [Int64](), transDepth = [UInt32]()
        var origH = [UInt32](), origP = [UInt32](), respH = [UInt32](), respP = [UInt32]()
        var method = [UInt32](), host = [UInt32](), uri = [UInt32](), referrer = [UInt32]()
        var version = [UInt32](), userAgent = [UInt32](), origin = [UInt32]()
        var requestLength = [UInt64](), responseLength = [UInt64]()
        var statusCode = [UInt32](), statusMessage = [UInt32](), infoCode = [UInt32](), infoMessage = [UInt32]()
        var tags = [UInt32](), username = [UInt32](), password = [UInt32](), proxied = [UInt32](), uriRaw = [UInt32]()
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
            transDepth.append(record.transDepth)
            method.append(string(record.method))
            host.append(string(record.host))
            uri.append(string(record.uri))
            referrer.append(string(record.referrer))
            version.append(string(record.version))
            userAgent.append(string(record.userAgent))
            origin.append(string(record.origin))
            requestLength.append(record.requestBodyLength)
            responseLength.append(record.responseBodyLength)
            statusCode.append(Self.optional16(record.statusCode))
            statusMessage.append(string(record.statusMessage))
            infoCode.append(Self.optional16(record.infoCode))
            infoMessage.append(string(record.infoMessage))
            tags.append(list(record.tags))
            username.append(string(record.username))
            password.append(string(record.password))
            proxied.append(list(record.proxied))
            uriRaw.append(string(record.uriRaw))
        }
        var columns = Fleet_V1_HttpColumns()
        guard !counting else { return columns }
        columns.count = UInt32(records.count)
        columns.ts = ts
        columns.uid = uid
        columns.origH = origH
        columns.origP = origP
        columns.respH = respH
        columns.respP = respP
        columns.transDepth = transDepth
        columns.method = method
        columns.host = host
        columns.uri = uri
        columns.referrer = referrer
        columns.version = version
        columns.userAgent = userAgent
        columns.origin = origin
        columns.requestBodyLen = requestLength
        columns.responseBodyLen = responseLength
        columns.statusCode = statusCode
        columns.statusMsg = statusMessage
        columns.infoCode = infoCode
        columns.infoMsg = infoMessage
        columns.tags = tags
        columns.username = username
        columns.password = password
        columns.proxied = proxied
        columns.uriRaw = uriRaw
        return columns
    }
}

extension RecordsDecoder {
    func decodeHTTP(_ columns: Fleet_V1_HttpColumns) throws(WireCodecError) -> [HTTPRecord] {
        let n = Int(columns.count)
        var ts = try Column(columns.ts, "http.ts", count: n)
        var uid = try Column(columns.uid, "http.uid", count: n)
        var origH = try Column(columns.origH, "http.orig_h", count: n)
        var origP = try Column(columns.origP, "http.orig_p", count: n)
        var respH = try Column(columns.respH, "http.resp_h", count: n)
        var respP = try Column(columns.respP, "http.resp_p", count: n)
        var transDepth = try Column(columns.transDepth, "http.trans_depth", count: n)
        var method = try Column(columns.method, "http.method", count: n)
        var host = try Column(columns.host, "http.host", count: n)
        var uri = try Column(columns.uri, "http.uri", count: n)
        var referrer = try Column(columns.referrer, "http.referrer", count: n)
        var version = try Column(columns.version, "http.version", count: n)
        var userAgent = try Column(columns.userAgent, "http.user_agent", count: n)
        var origin = try Column(columns.origin, "http.origin", count: n)
        var requestLength = try Column(columns.requestBodyLen, "http.request_body_len", count: n)
        var responseLength = try Column(columns.responseBodyLen, "http.response_body_len", count: n)
        var statusCode = try Column(columns.statusCode, "http.status_code", count: n)
        var statusMessage = try Column(columns.statusMsg, "http.status_msg", count: n)
        var infoCode = try Column(columns.infoCode, "http.info_code", count: n)
        var infoMessage = try Column(columns.infoMsg, "http.info_msg", count: n)
        var tags = try Column(columns.tags, "http.tags", count: n)
        var username = try Column(columns.username, "http.username", count: n)
        var password = try Column(columns.password, "http.password", count: n)
        var proxied = try Column(columns.proxied, "http.proxied", count: n)
        var uriRaw = try Column(columns.uriRaw, "http.uri_raw", count: n)
        var records: [HTTPRecord] = []
        records.reserveCapacity(n)
        var previousTS: Int64 = 0, previousUID = 0
        for _ in 0..<n {
            previousTS = previousTS &+ (try ts.next())
            let uidText = try self.uid(delta: try uid.next(), previous: &previousUID, "http.uid")
            let id = ConnID(
                originatorHost: try address(try origH.next(), "http.orig_h"),
                originatorPort: try Self.port(try origP.next(), "http.orig_p"),
                responderHost: try address(try respH.next(), "http.resp_h"),
                responderPort: try Self.port(try respP.next(), "http.resp_p"))
            records.append(HTTPRecord(
                ts: NetworkTime(microseconds: previousTS),
                uid: uidText,
                id: id,
                transDepth: try transDepth.next(),
                method: try string(try method.next(), "http.method"),
                host: try string(try host.next(), "http.host"),
                uri: try string(try uri.next(), "http.uri"),
                referrer: try string(try referrer.next(), "http.referrer"),
                version: try string(try version.next(), "http.version"),
                userAgent: try string(try userAgent.next(), "http.user_agent"),
                origin: try string(try origin.next(), "http.origin"),
                requestBodyLength: try requestLength.next(),
                responseBodyLength: try responseLength.next(),
                statusCode: try Self.optional16(try statusCode.next(), "http.status_code"),
                statusMessage: try string(try statusMessage.next(), "http.status_msg"),
                infoCode: try Self.optional16(try infoCode.next(), "http.info_code"),
                infoMessage: try string(try infoMessage.next(), "http.info_msg"),
                tags: try list(try tags.next(), "http.tags"),
                username: try string(try username.next(), "http.username"),
                password: try string(try password.next(), "http.password"),
                proxied: try list(try proxied.next(), "http.proxied"),
                uriRaw: try string(try uriRaw.next(), "http.uri_raw")
            ))
        }
        return records
    }
}

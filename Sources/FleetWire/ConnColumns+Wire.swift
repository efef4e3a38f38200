internal import FleetModel
internal import FleetProto

/// Bits of `ConnColumns.flags` (see proto/fleet/v1/records.proto).
private enum ConnFlag {
    static let stateMask: UInt32 = 0xF
    static let protoShift: UInt32 = 4
    static let localOrigShift: UInt32 = 6
    static let localRespShift: UInt32 = 8
    static let interim: UInt32 = 1 << 10
    static let duration: UInt32 = 1 << 11
    static let origBytes: UInt32 = 1 << 12
    static let respBytes: UInt32 = 1 << 13
    static let missedBytes: UInt32 = 1 << 14
    static let ipProto: UInt32 = 1 << 15
    static let vlan: UInt32 = 1 << 16
    static let innerVLAN: UInt32 = 1 << 17
    static let known: UInt32 = (1 << 18) - 1
}

extension RecordsEncoder {
    mutating func encodeConns(_ conns: [ConnRecord]) -> Fleet_V1_ConnColumns {
        let n = conns.count
        var ts = [Int64](), uid = [Int64](), flags = [UInt32](), history = [UInt32](), service = [UInt32]()
        var origH = [UInt32](), origP = [UInt32](), respH = [UInt32](), respP = [UInt32]()
        var duration = [Int64](), origBytes = [UInt64](), respBytes = [UInt64](), missed = [UInt64]()
        var origPkts = [UInt64](), respPkts = [UInt64](), origIP = [Int64](), respIP = [Int64]()
        var tunnels = [UInt32](), ipProto = [UInt32](), vlan = [UInt32](), innerVLAN = [UInt32]()
        ts.reserveCapacity(n)
        uid.reserveCapacity(n)
        flags.reserveCapacity(n)
        origP.reserveCapacity(n)
        respP.reserveCapacity(n)
        duration.reserveCapacity(n)
        origPkts.reserveCapacity(n)
        respPkts.reserveCapacity(n)
        // Records come in completion order, so end times (ts + duration) per
        // transport are close to monotonic; start times are not.
        let headerSizes = WireMapping.learnHeaderSizes(conns)
        var previousEnd: [Int64] = [0, 0, 0, 0]
        var previousUID = 0
        for conn in conns {
            let chain = Int(Self.protoCode(conn.proto))
            let end = conn.ts.microseconds &+ (conn.duration?.microseconds ?? 0)
            ts.append(end &- previousEnd[chain])
            previousEnd[chain] = end
            let uidIndex = self.uid(conn.uid)
            uid.append(Int64(uidIndex - previousUID))
            previousUID = uidIndex
            origH.append(address(conn.id.originatorHost))
            origP.append(UInt32(conn.id.originatorPort))
            respH.append(address(conn.id.responderHost))
            respP.append(UInt32(conn.id.responderPort))

            let isIPv4 = conn.id.originatorHost.isIPv4
            var flag = UInt32(WireMapping.connStates.firstIndex(of: conn.connState) ?? 0)
            flag |= Self.protoCode(conn.proto) << ConnFlag.protoShift
            flag |= Self.triState(conn.localOriginator) << ConnFlag.localOrigShift
            flag |= Self.triState(conn.localResponder) << ConnFlag.localRespShift
            if conn.interim { flag |= ConnFlag.interim }
            if let value = conn.duration {
                flag |= ConnFlag.duration
                duration.append(value.microseconds)
            }
            if let value = conn.originatorBytes {
                flag |= ConnFlag.origBytes
                origBytes.append(value)
            }
            if let value = conn.responderBytes {
                flag |= ConnFlag.respBytes
                respBytes.append(value)
            }
            if conn.missedBytes != 0 {
                flag |= ConnFlag.missedBytes
                missed.append(conn.missedBytes)
            }
            if WireMapping.defaultIPProto(conn.proto, isIPv4: isIPv4) != conn.ipProto {
                flag |= ConnFlag.ipProto
                ipProto.append(UInt32(conn.ipProto))
            }
            if let value = conn.vlan {
                flag |= ConnFlag.vlan
                vlan.append(UInt32(value))
            }
            if let value = conn.innerVLAN {
                flag |= ConnFlag.innerVLAN
                innerVLAN.append(UInt32(value))
            }
            flags.append(flag)

            history.append(string(conn.history))
            service.append(list(conn.service))
            tunnels.append(list(conn.tunnelParents))
            let header = headerSizes[WireMapping.headerKey(conn.proto, isIPv4: isIPv4)]
            origPkts.append(conn.originatorPackets)
            respPkts.append(conn.responderPackets)
            origIP.append(WireMapping.ipBytesResidual(
                ipBytes: conn.originatorIPBytes, payload: conn.originatorBytes,
                packets: conn.originatorPackets, header: header))
            respIP.append(WireMapping.ipBytesResidual(
                ipBytes: conn.responderIPBytes, payload: conn.responderBytes,
                packets: conn.responderPackets, header: header))
        }
        var columns = Fleet_V1_ConnColumns()
        guard !counting else { return columns }
        columns.count = UInt32(n)
        columns.ts = ts
        columns.uid = uid
        columns.origH = origH
        columns.origP = origP
        columns.respH = respH
        columns.respP = respP
        columns.flags = flags
        columns.duration = duration
        columns.origBytes = origBytes
        columns.respBytes = respBytes
        columns.missedBytes = missed
        columns.history = history
        columns.service = service
        columns.origPkts = origPkts
        columns.respPkts = respPkts
        columns.origIpBytes = origIP
        columns.respIpBytes = respIP
        columns.tunnelParents = tunnels
        columns.ipProto = ipProto
        columns.vlan = vlan
        columns.innerVlan = innerVLAN
        if headerSizes != WireMapping.defaultHeaderSizes {
            columns.headerBytes = headerSizes.map { UInt32($0) }
        }
        return columns
    }
}

extension RecordsDecoder {
    func decodeConns(_ columns: Fleet_V1_ConnColumns) throws(WireCodecError) -> [ConnRecord] {
        let n = Int(columns.count)
        var ts = try Column(columns.ts, "conn.ts", count: n)
        var uid = try Column(columns.uid, "conn.uid", count: n)
        var origH = try Column(columns.origH, "conn.orig_h", count: n)
        var origP = try Column(columns.origP, "conn.orig_p", count: n)
        var respH = try Column(columns.respH, "conn.resp_h", count: n)
        var respP = try Column(columns.respP, "conn.resp_p", count: n)
        var flags = try Column(columns.flags, "conn.flags", count: n)
        var history = try Column(columns.history, "conn.history", count: n)
        var service = try Column(columns.service, "conn.service", count: n)
        var origPkts = try Column(columns.origPkts, "conn.orig_pkts", count: n)
        var respPkts = try Column(columns.respPkts, "conn.resp_pkts", count: n)
        var origIP = try Column(columns.origIpBytes, "conn.orig_ip_bytes", count: n)
        var respIP = try Column(columns.respIpBytes, "conn.resp_ip_bytes", count: n)
        var tunnels = try Column(columns.tunnelParents, "conn.tunnel_parents", count: n)
        var durations = Column(columns.duration, "conn.duration")
        var origBytes = Column(columns.origBytes, "conn.orig_bytes")
        var respBytes = Column(columns.respBytes, "conn.resp_bytes")
        var missed = Column(columns.missedBytes, "conn.missed_bytes")
        var ipProto = Column(columns.ipProto, "conn.ip_proto")
        var vlan = Column(columns.vlan, "conn.vlan")
        var innerVLAN = Column(columns.innerVlan, "conn.inner_vlan")

        var conns: [ConnRecord] = []
        conns.reserveCapacity(n)
        var headerSizes = WireMapping.defaultHeaderSizes
        if !columns.headerBytes.isEmpty {
            guard columns.headerBytes.count == headerSizes.count else {
                throw WireCodecError.invalidRecords.with("conn.header_bytes has \(columns.headerBytes.count) entries")
            }
            headerSizes = columns.headerBytes.map { UInt64($0) }
        }
        var previousEnd: [Int64] = [0, 0, 0, 0]
        var previousUID = 0
        for _ in 0..<n {
            let endDelta = try ts.next()
            let uidText = try self.uid(delta: try uid.next(), previous: &previousUID, "conn.uid")
            let id = ConnID(
                originatorHost: try address(try origH.next(), "conn.orig_h"),
                originatorPort: try Self.port(try origP.next(), "conn.orig_p"),
                responderHost: try address(try respH.next(), "conn.resp_h"),
                responderPort: try Self.port(try respP.next(), "conn.resp_p"))
            let flag = try flags.next()
            guard flag & ~ConnFlag.known == 0, Int(flag & ConnFlag.stateMask) < WireMapping.connStates.count else {
                throw WireCodecError.invalidValue.with("conn.flags \(flag)")
            }
            let proto = Self.transport(flag >> ConnFlag.protoShift)
            let chain = Int(RecordsEncoder.protoCode(proto))
            let end = previousEnd[chain] &+ endDelta
            previousEnd[chain] = end
            let duration = flag & ConnFlag.duration != 0 ? NetworkDuration(microseconds: try durations.next()) : nil
            let isIPv4 = id.originatorHost.isIPv4
            var ipProtocol = WireMapping.defaultIPProto(proto, isIPv4: isIPv4)
            if flag & ConnFlag.ipProto != 0 {
                let value = try ipProto.next()
                guard let narrow = UInt8(exactly: value) else {
                    throw WireCodecError.invalidValue.with("conn.ip_proto \(value)")
                }
                ipProtocol = narrow
            }
            guard let ipProtocol else {
                throw WireCodecError.invalidRecords.with("conn.ip_proto missing for \(proto.rawValue)")
            }
            let originatorBytes = flag & ConnFlag.origBytes != 0 ? try origBytes.next() : nil
            let responderBytes = flag & ConnFlag.respBytes != 0 ? try respBytes.next() : nil
            let originatorPackets = try origPkts.next()
            let responderPackets = try respPkts.next()
            let header = headerSizes[WireMapping.headerKey(proto, isIPv4: isIPv4)]
            conns.append(ConnRecord(
                ts: NetworkTime(microseconds: end &- (duration?.microseconds ?? 0)),
                uid: uidText,
                id: id,
                proto: proto,
                service: try list(try service.next(), "conn.service"),
                duration: duration,
                originatorBytes: originatorBytes,
                responderBytes: responderBytes,
                connState: WireMapping.connStates[Int(flag & ConnFlag.stateMask)],
                localOriginator: try Self.triState((flag >> ConnFlag.localOrigShift) & 3, "conn.local_orig"),
                localResponder: try Self.triState((flag >> ConnFlag.localRespShift) & 3, "conn.local_resp"),
                missedBytes: flag & ConnFlag.missedBytes != 0 ? try missed.next() : 0,
                history: try requiredString(try history.next(), "conn.history"),
                originatorPackets: originatorPackets,
                originatorIPBytes: WireMapping.ipBytes(
                    residual: try origIP.next(), payload: originatorBytes, packets: originatorPackets, header: header),
                responderPackets: responderPackets,
                responderIPBytes: WireMapping.ipBytes(
                    residual: try respIP.next(), payload: responderBytes, packets: responderPackets, header: header),
                tunnelParents: try list(try tunnels.next(), "conn.tunnel_parents"),
                ipProto: ipProtocol,
                interim: flag & ConnFlag.interim != 0,
                vlan: flag & ConnFlag.vlan != 0 ? try Self.port(try vlan.next(), "conn.vlan") : nil,
                innerVLAN: flag & ConnFlag.innerVLAN != 0 ? try Self.port(try innerVLAN.next(), "conn.inner_vlan") : nil
            ))
        }
        try durations.finish()
        try origBytes.finish()
        try respBytes.finish()
        try missed.finish()
        try ipProto.finish()
        try vlan.finish()
        try innerVLAN.finish()
        return conns
    }
}

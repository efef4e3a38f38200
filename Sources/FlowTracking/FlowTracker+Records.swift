import FleetModel

extension FlowTracker {
    /// Builds the conn.log record of a connection as it stands now.
    ///
    /// Static and built in one initializer call: as a tracker method it copied the tracker's
    /// configuration, and field-by-field assignment copied the record once more.
    ///
    /// A `final` record (the connection is being removed) takes the connection's uid, services
    /// and tunnel parents instead of copying them.
    static func makeRecord(
        _ connection: Connection, localNetworks: LocalNetworkMatcher, historyTexts: inout HistoryTextCache,
        final: Bool = false
    ) -> ConnRecord {
        if final {
            let texts = connection.takeRecordTexts()
            return record(
                connection, uid: texts.uid, services: texts.services, tunnelParents: texts.tunnelParents,
                localNetworks: localNetworks, historyTexts: &historyTexts)
        }
        return record(
            connection, uid: connection.uid, services: connection.services, tunnelParents: connection.tunnelParents,
            localNetworks: localNetworks, historyTexts: &historyTexts)
    }

    @inline(__always)
    private static func record(
        _ connection: Connection, uid: consuming String, services: consuming [String], tunnelParents: consuming [String],
        localNetworks: LocalNetworkMatcher, historyTexts: inout HistoryTextCache
    ) -> ConnRecord {
        var duration: NetworkDuration?
        var originatorBytes: UInt64?
        var responderBytes: UInt64?
        let elapsed = connection.lastTime - connection.startTime
        if elapsed.microseconds > 0 {
            duration = elapsed
            if connection.transport == .tcp {
                let tcp = connection.tcp.recordFacts()
                originatorBytes = tcp.originatorSize
                responderBytes = tcp.responderSize
            } else {
                originatorBytes = connection.originatorPayloadBytes
                responderBytes = connection.responderPayloadBytes
            }
        }
        return ConnRecord(
            ts: connection.startTime, uid: uid, id: connection.id, proto: connection.transport,
            service: services, duration: duration, originatorBytes: originatorBytes,
            responderBytes: responderBytes, connState: Self.connState(connection),
            localOriginator: localNetworks.contains(connection.originatorHost),
            localResponder: localNetworks.contains(connection.responderHost), missedBytes: connection.missedBytes,
            history: historyTexts.text(of: connection.history), originatorPackets: connection.originatorPackets,
            originatorIPBytes: connection.originatorIPBytes, responderPackets: connection.responderPackets,
            responderIPBytes: connection.responderIPBytes, tunnelParents: tunnelParents,
            ipProto: connection.ipProto, vlan: connection.vlan, innerVLAN: connection.innerVLAN)
    }

    /// Zeek's `conn_state` function.
    static func connState(_ connection: Connection) -> ConnState {
        switch connection.transport {
        case .tcp:
            let tcp = connection.tcp.recordFacts()
            let os = tcp.originatorState, rs = tcp.responderState
            let originatorInactive = os.isInactiveOrPartial
            let responderInactive = rs.isInactiveOrPartial
            if rs == .reset {
                let originatorSize = tcp.originatorSize
                let responderSize = tcp.responderSize
                if os == .synSent || os == .synAckSent || (os == .reset && originatorSize == 0 && responderSize == 0) {
                    return .REJ
                }
                return originatorInactive ? .RSTRH : .RSTR
            }
            if os == .reset {
                if responderInactive {
                    return Self.looksLikeSYNThenReset(connection.history.letters) ? .RSTOS0 : .OTH
                }
                return .RSTO
            }
            if rs == .closed && os == .closed { return .SF }
            if os == .closed { return responderInactive ? .SH : .S2 }
            if rs == .closed { return originatorInactive ? .SHR : .S3 }
            if os == .synSent && rs == .inactive { return .S0 }
            if os == .established && rs == .established { return .S1 }
            return .OTH
        case .udp:
            if connection.originatorActive { return connection.responderActive ? .SF : .S0 }
            return connection.responderActive ? .SHR : .OTH
        case .icmp, .unknown:
            return .OTH
        }
    }

    /// Zeek's `/\^?S[^HAFGIQ]*R.*/` test on the history.
    static func looksLikeSYNThenReset(_ history: [UInt8]) -> Bool {
        var index = 0
        if index < history.count && history[index] == UInt8(ascii: "^") { index += 1 }
        guard index < history.count, history[index] == UInt8(ascii: "S") else { return false }
        index += 1
        while index < history.count {
            let letter = history[index]
            if letter == UInt8(ascii: "R") { return true }
            switch letter {
            case UInt8(ascii: "H"), UInt8(ascii: "A"), UInt8(ascii: "F"), UInt8(ascii: "G"), UInt8(ascii: "I"),
                 UInt8(ascii: "Q"):
                return false
            default:
                break
            }
            index += 1
        }
        return false
    }
}

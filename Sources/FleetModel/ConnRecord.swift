/// One conn.log row, with Zeek's field meanings.
///
/// Optional fields are Zeek's unset (`-`). Empty arrays print as `-` too,
/// as Zeek leaves those sets unset when they would be empty.
public struct ConnRecord: Sendable, Hashable, Codable {
    /// Time of the first packet.
    public var ts: NetworkTime
    public var uid: String
    public var id: ConnID
    public var proto: TransportProtocol
    /// Analyzers that confirmed the protocol from payload (`http`, `dns`, `ssl`, `ssh`, ...).
    public var service: [String]
    public var duration: NetworkDuration?
    /// Payload bytes the originator sent (from TCP sequence numbers where TCP).
    public var originatorBytes: UInt64?
    public var responderBytes: UInt64?
    public var connState: ConnState
    public var localOriginator: Bool?
    public var localResponder: Bool?
    public var missedBytes: UInt64
    public var history: String
    public var originatorPackets: UInt64
    public var originatorIPBytes: UInt64
    public var responderPackets: UInt64
    public var responderIPBytes: UInt64
    /// uids of the encapsulating connections (VXLAN, GENEVE, Teredo, ...).
    public var tunnelParents: [String]
    /// IP protocol number (6, 17, 1, 58, ...).
    public var ipProto: UInt8
    /// Fleetwatch extension: true for a record of a flow that is still open.
    /// The final record of the same uid supersedes it.
    public var interim: Bool
    /// Fleetwatch extension: outermost and inner 802.1Q tags, when present.
    public var vlan: UInt16?
    public var innerVLAN: UInt16?

    @inlinable
    public init(
        ts: NetworkTime, uid: String, id: ConnID, proto: TransportProtocol, service: [String] = [],
        duration: NetworkDuration? = nil, originatorBytes: UInt64? = nil, responderBytes: UInt64? = nil,
        connState: ConnState, localOriginator: Bool? = nil, localResponder: Bool? = nil, missedBytes: UInt64 = 0,
        history: String = "", originatorPackets: UInt64 = 0, originatorIPBytes: UInt64 = 0,
        responderPackets: UInt64 = 0, responderIPBytes: UInt64 = 0, tunnelParents: [String] = [],
        ipProto: UInt8, interim: Bool = false, vlan: UInt16? = nil, innerVLAN: UInt16? = nil
    ) {
        self.ts = ts
        self.uid = uid
        self.id = id
        self.proto = proto
        self.service = service
        self.duration = duration
        self.originatorBytes = originatorBytes
        self.responderBytes = responderBytes
        self.connState = connState
        self.localOriginator = localOriginator
        self.localResponder = localResponder
        self.missedBytes = missedBytes
        self.history = history
        self.originatorPackets = originatorPackets
        self.originatorIPBytes = originatorIPBytes
        self.responderPackets = responderPackets
        self.responderIPBytes = responderIPBytes
        self.tunnelParents = tunnelParents
        self.ipProto = ipProto
        self.interim = interim
        self.vlan = vlan
        self.innerVLAN = innerVLAN
    }
}

/// Zeek's conn_state values.
public enum ConnState: String, Sendable, Hashable, Codable, CaseIterable {
    case S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH
}

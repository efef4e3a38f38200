import FleetModel

/// One tracked connection: Zeek's `connection` record and its analyzers.
struct Connection: Sendable {
    var key: FlowKey
    var uid: String
    var originatorHost: IPAddress
    var originatorPort: UInt16
    var responderHost: IPAddress
    var responderPort: UInt16
    var ipProto: UInt8
    var transport: TransportProtocol

    var startTime: NetworkTime
    var lastTime: NetworkTime

    var originatorPackets: UInt64 = 0
    var originatorIPBytes: UInt64 = 0
    var responderPackets: UInt64 = 0
    var responderIPBytes: UInt64 = 0
    /// UDP/ICMP payload bytes (TCP sizes come from sequence numbers).
    var originatorPayloadBytes: UInt64 = 0
    var responderPayloadBytes: UInt64 = 0
    /// UDP/ICMP: a valid packet was seen from that side.
    var originatorActive = false
    var responderActive = false
    var missedBytes: UInt64 = 0

    var history = ConnHistory()
    var checksumErrorsOriginator = ScaledCounter()
    var checksumErrorsResponder = ScaledCounter()
    var tcp: TCPSession?

    var analyzers: [AnalyzerSlot] = []
    var services: [String] = []
    /// Analysis of stream data is on (TCP connections whose handshake was seen, all UDP).
    var analyzing = false
    /// Shortest analyzer-imposed inactivity timeout, kept even after the analyzer is gone.
    var analyzerTimeout: NetworkDuration?
    var firstDatagramSeen = false

    var tunnelParents: [String] = []
    var vlan: UInt16?
    var innerVLAN: UInt16?

    var nextInterim: NetworkTime?
    /// Bumped whenever the slot is reused, so stale timer entries are ignored.
    var generation: UInt32 = 0

    var id: ConnID {
        ConnID(originatorHost: originatorHost, originatorPort: originatorPort, responderHost: responderHost, responderPort: responderPort)
    }

    var context: ConnContext { ConnContext(uid: uid, id: id, proto: transport) }

    /// Swaps originator and responder (Zeek's `FlipRoles`), appending `^` to the history.
    mutating func flipRoles() {
        swap(&originatorHost, &responderHost)
        swap(&originatorPort, &responderPort)
        swap(&originatorPackets, &responderPackets)
        swap(&originatorIPBytes, &responderIPBytes)
        swap(&originatorPayloadBytes, &responderPayloadBytes)
        swap(&originatorActive, &responderActive)
        swap(&checksumErrorsOriginator, &checksumErrorsResponder)
        history.flip()
    }

    /// Whether a packet from `host:port` comes from the originator.
    @inline(__always)
    func isFromOriginator(host: IPAddress, port: UInt16) -> Bool {
        if originatorHost == responderHost { return port == originatorPort }
        return host == originatorHost
    }
}

/// An application analyzer attached to a connection.
struct AnalyzerSlot: Sendable {
    var analyzer: any AppAnalyzer
    var service: String
    var inactivityTimeout: NetworkDuration?
    var confirmed = false
}

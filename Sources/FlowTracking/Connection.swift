import FleetModel

/// One tracked connection: Zeek's `connection` record and its analyzers.
///
/// A final class kept in the flow table's slab: every packet updates it in place
/// instead of copying a large struct (two TCP endpoints, arrays, strings) in and out
/// of the table. Exclusivity is not checked at run time on its fields: the tracker
/// is single-threaded and never holds two accesses to one field at once.
final class Connection {
    @exclusivity(unchecked) var key = FlowKey(source: .v4(0), sourcePort: 0, destination: .v4(0), destinationPort: 0, ipProto: 0, context: 0)
    @exclusivity(unchecked) private(set) var uid = ""
    @exclusivity(unchecked) private(set) var originatorHost = IPAddress.v4(0)
    @exclusivity(unchecked) private(set) var originatorPort: UInt16 = 0
    @exclusivity(unchecked) private(set) var responderHost = IPAddress.v4(0)
    @exclusivity(unchecked) private(set) var responderPort: UInt16 = 0
    @exclusivity(unchecked) var ipProto: UInt8 = 0
    @exclusivity(unchecked) private(set) var transport = TransportProtocol.unknown

    /// What the analyzers are told about the connection: kept here (and refreshed when the
    /// roles flip) instead of being built for every packet.
    @exclusivity(unchecked) private(set) var context = ConnContext(
        uid: "", id: ConnID(originatorHost: .v4(0), originatorPort: 0, responderHost: .v4(0), responderPort: 0), proto: .unknown)

    @exclusivity(unchecked) var startTime = NetworkTime.zero
    @exclusivity(unchecked) var lastTime = NetworkTime.zero

    @exclusivity(unchecked) var originatorPackets: UInt64 = 0
    @exclusivity(unchecked) var originatorIPBytes: UInt64 = 0
    @exclusivity(unchecked) var responderPackets: UInt64 = 0
    @exclusivity(unchecked) var responderIPBytes: UInt64 = 0
    /// UDP/ICMP payload bytes (TCP sizes come from sequence numbers).
    @exclusivity(unchecked) var originatorPayloadBytes: UInt64 = 0
    @exclusivity(unchecked) var responderPayloadBytes: UInt64 = 0
    /// UDP/ICMP: a valid packet was seen from that side.
    @exclusivity(unchecked) var originatorActive = false
    @exclusivity(unchecked) var responderActive = false
    @exclusivity(unchecked) var missedBytes: UInt64 = 0

    @exclusivity(unchecked) var history = ConnHistory()
    @exclusivity(unchecked) var checksumErrorsOriginator = ScaledCounter()
    @exclusivity(unchecked) var checksumErrorsResponder = ScaledCounter()
    /// The TCP state (used only when `transport` is `.tcp`). Not optional: every packet reads it,
    /// and an optional this large is tested through an outlined enum-tag call each time.
    @exclusivity(unchecked) var tcp = TCPSession()

    @exclusivity(unchecked) var analyzers: [AnalyzerSlot] = []
    /// Registry entries (a bit set over `AnalyzerRegistry.entries`) not made yet: they are
    /// attached at the first stream event (`AnalyzerRegistry.attach`).
    @exclusivity(unchecked) var deferredAnalyzers: UInt64 = 0
    @exclusivity(unchecked) var services: [String] = []
    /// Analysis of stream data is on (TCP connections whose handshake was seen, all UDP).
    @exclusivity(unchecked) var analyzing = false
    /// Shortest analyzer-imposed inactivity timeout, kept even after the analyzer is gone.
    @exclusivity(unchecked) var analyzerTimeout: NetworkDuration?
    @exclusivity(unchecked) var firstDatagramSeen = false

    @exclusivity(unchecked) var tunnelParents: [String] = []
    @exclusivity(unchecked) var vlan: UInt16?
    @exclusivity(unchecked) var innerVLAN: UInt16?

    @exclusivity(unchecked) var nextInterim: NetworkTime?
    /// Bumped whenever the slot is reused, so stale timer entries are ignored.
    @exclusivity(unchecked) var generation: UInt32 = 0
    /// What the removal deadline was last worked out from: the deadline facts (`deadlineSignature`;
    /// 0 = never) and `lastTime`. While both are unchanged or `lastTime` only moved on, the deadline
    /// can only have moved later and the pending timer entry still fires in time (it re-evaluates
    /// when it fires), so a packet needs no deadline work (Zeek's lazy inactivity timers).
    @exclusivity(unchecked) var scheduledSignature: UInt32 = 0
    @exclusivity(unchecked) var scheduledLastTime = NetworkTime.zero

    /// A blank connection: `start` makes it one.
    init() {}

    /// Makes this connection the one of a new flow: a blank one, or a removed one the tracker
    /// reuses instead of allocating one per flow (its analyzer list keeps its storage).
    func start(
        key: FlowKey, uid: String, originatorHost: IPAddress, originatorPort: UInt16, responderHost: IPAddress,
        responderPort: UInt16, ipProto: UInt8, transport: TransportProtocol, startTime: NetworkTime, lastTime: NetworkTime
    ) {
        self.key = key
        self.uid = uid
        self.originatorHost = originatorHost
        self.originatorPort = originatorPort
        self.responderHost = responderHost
        self.responderPort = responderPort
        self.ipProto = ipProto
        self.transport = transport
        self.startTime = startTime
        self.lastTime = lastTime
        context = ConnContext(
            uid: uid,
            id: ConnID(originatorHost: originatorHost, originatorPort: originatorPort, responderHost: responderHost, responderPort: responderPort),
            proto: transport)
        originatorPackets = 0
        originatorIPBytes = 0
        responderPackets = 0
        responderIPBytes = 0
        originatorPayloadBytes = 0
        responderPayloadBytes = 0
        originatorActive = false
        responderActive = false
        missedBytes = 0
        history = ConnHistory()
        checksumErrorsOriginator = ScaledCounter()
        checksumErrorsResponder = ScaledCounter()
        // Only TCP reads the session: another flow skips the reset unless stream data is held.
        if transport == .tcp || tcp.holdsData { tcp = TCPSession() }
        if !analyzers.isEmpty { analyzers.removeAll(keepingCapacity: true) }
        deferredAnalyzers = 0
        if !services.isEmpty { services = [] }
        analyzing = false
        analyzerTimeout = nil
        firstDatagramSeen = false
        if !tunnelParents.isEmpty { tunnelParents = [] }
        vlan = nil
        innerVLAN = nil
        nextInterim = nil
        generation = 0
        scheduledSignature = 0
    }

    /// Hands the analyzers of a removed connection to `pool` (those it keeps) or drops them.
    func returnAnalyzers(to pool: inout AnalyzerPool) {
        while var slot = analyzers.popLast() { pool.recycle(&slot) }
    }

    /// Moves the uid, services and tunnel parents out (for the final record of a removed
    /// connection), leaving empty ones: no copies to retain now and release at reuse.
    func takeRecordTexts() -> (uid: String, services: [String], tunnelParents: [String]) {
        var texts = (uid: "", services: [String](), tunnelParents: [String]())
        swap(&texts.uid, &uid)
        swap(&texts.services, &services)
        swap(&texts.tunnelParents, &tunnelParents)
        return texts
    }

    /// Drops what a removed connection still references (analyzers, strings) while it waits for reuse.
    func clearForReuse() {
        if !analyzers.isEmpty { analyzers.removeAll(keepingCapacity: true) }
        if !services.isEmpty { services = [] }
        if !tunnelParents.isEmpty { tunnelParents = [] }
    }

    var id: ConnID {
        ConnID(originatorHost: originatorHost, originatorPort: originatorPort, responderHost: responderHost, responderPort: responderPort)
    }

    /// Analyzers attached or still to be attached.
    var hasAnalyzers: Bool { !analyzers.isEmpty || deferredAnalyzers != 0 }

    /// Swaps originator and responder (Zeek's `FlipRoles`), appending `^` to the history.
    func flipRoles() {
        swap(&originatorHost, &responderHost)
        swap(&originatorPort, &responderPort)
        swap(&originatorPackets, &responderPackets)
        swap(&originatorIPBytes, &responderIPBytes)
        swap(&originatorPayloadBytes, &responderPayloadBytes)
        swap(&originatorActive, &responderActive)
        swap(&checksumErrorsOriginator, &checksumErrorsResponder)
        history.flip()
        context.id = id
    }

    /// Everything besides `lastTime` and `startTime` the removal deadline depends on, as one
    /// nonzero word (see `scheduledSignature`): the TCP deadline facts; nothing else for UDP
    /// and ICMP (their timeouts are fixed when the connection starts).
    @inline(__always)
    func deadlineSignature() -> UInt32 {
        transport == .tcp ? tcp.deadlineSignature() : 1 << 31
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
    /// `[service]`, shared by every connection of this analyzer: a connection's first
    /// confirmed service takes it instead of allocating an array of its own.
    var serviceAlone: [String]
    /// Fleetwatch's own analyzers: their kind (such an analyzer may be reused, `AnalyzerPool`).
    var kind: StandardAnalyzer?
    var confirmed = false

    init(analyzer: any AppAnalyzer, service: String, serviceAlone: [String]? = nil, kind: StandardAnalyzer? = nil) {
        self.analyzer = analyzer
        self.service = service
        self.serviceAlone = serviceAlone ?? [service]
        self.kind = kind
    }
}

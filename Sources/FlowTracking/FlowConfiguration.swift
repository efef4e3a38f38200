public import FleetModel

/// Flow-table settings; timeouts are in packet time, defaults as Zeek's.
public struct FlowConfiguration: Sendable {
    /// Inactivity timeout of established TCP connections (Zeek `tcp_inactivity_timeout`).
    public var tcpInactivityTimeout: NetworkDuration = .seconds(300)
    /// Inactivity timeout of UDP flows, and of TCP connections still in their handshake.
    public var udpInactivityTimeout: NetworkDuration = .seconds(60)
    public var icmpInactivityTimeout: NetworkDuration = .seconds(60)
    /// How long a closed TCP connection lingers before removal (Zeek `tcp_close_delay`).
    public var tcpCloseDelay: NetworkDuration = .seconds(5)
    /// How long an unanswered SYN waits (Zeek `tcp_attempt_delay`).
    public var tcpAttemptDelay: NetworkDuration = .seconds(5)
    /// Interval between interim records of a long-lived flow; nil turns them off.
    public var interimInterval: NetworkDuration? = .seconds(60)
    /// When a TCP connection gets its first interim record: one that is still open (both sides past the
    /// handshake, no FIN or RST seen) this long after its first packet gets an interim record then, and
    /// after that one every ``interimInterval`` counted from its start (60 s, 120 s, …). Lets live detectors
    /// see an open connection (a reverse shell) within seconds instead of after a whole interval.
    /// Applies only when ``interimInterval`` is set and this is shorter than it; nil turns it off
    /// (the first interim record comes after ``interimInterval``). UDP and ICMP flows are not affected.
    public var firstInterimDelay: NetworkDuration? = .seconds(5)
    /// Most flows tracked at once; beyond it the flow nearest its deadline is evicted (and logged).
    public var maxFlows: Int = 1_000_000
    /// Networks whose hosts are "local" (conn.log `local_orig`/`local_resp`).
    public var localNetworks: LocalNetworks = .zeekDefault
    /// Ports Zeek's analyzers register as likely server ports; used to pick the
    /// originator of a connection whose first packet is not a SYN.
    public var likelyServerPortsTCP: Set<UInt16> = FlowConfiguration.zeekTCPServerPorts
    public var likelyServerPortsUDP: Set<UInt16> = FlowConfiguration.zeekUDPServerPorts
    /// Keep flows in different VLANs apart (Zeek's `vlan_fivetuple` key); off by default as in Zeek.
    public var vlanInFlowKey = false
    /// Application analyzers attached to new connections.
    public var analyzers: AnalyzerRegistry = .standard
    /// Seed for connection uids.
    public var uidSeed: UInt64 = 0x5EED

    public init() {}

    /// Server ports of Zeek's default analyzers (TCP).
    public static let zeekTCPServerPorts: Set<UInt16> = [
        21, 22, 23, 25, 53, 80, 81, 88, 110, 111, 135, 139, 143, 179, 389, 443, 445, 502, 563, 585, 587,
        614, 631, 636, 989, 990, 992, 993, 995, 1080, 1433, 1883, 2049, 2811, 3128, 3306, 3389, 5222, 5223,
        5269, 5432, 5900, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000,
    ]
    /// Server ports of Zeek's default analyzers (UDP).
    public static let zeekUDPServerPorts: Set<UInt16> = [
        53, 67, 68, 69, 88, 111, 123, 137, 161, 162, 443, 500, 514, 1812, 1813, 2123, 2152, 3544, 4500,
        4789, 5060, 5072, 5353, 5355, 6081,
    ]
}

/// Flow-table counters.
public struct FlowCounters: Sendable, Hashable {
    public var packets: UInt64 = 0
    public var flowsCreated: UInt64 = 0
    public var flowsActive: Int = 0
    public var flowsEvicted: UInt64 = 0
    public var flowsExpired: UInt64 = 0
    public var interimRecords: UInt64 = 0
    public var badChecksums: UInt64 = 0
    /// IP packets of a protocol other than TCP/UDP/ICMP (counted, not tracked).
    public var otherTransport: UInt64 = 0
    public init() {}
}

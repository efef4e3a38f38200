public import AgentCore
public import FleetModel
public import FleetWire
public import NIOSSL

/// Settings of a ``Shipper``.
public struct ShipperConfiguration: Sendable {
    /// The aggregators, in order of preference: the shipper starts with the first, stays on one
    /// while its session works and fails over to the next (wrapping) when it does not. Must not be
    /// empty (the ``Shipper`` checks it).
    public var endpoints: [ShipperEndpoint]
    /// This agent's id (the aggregator binds the token to it).
    public var agentID: String
    /// The agent's token.
    public var token: String
    /// Host name sent in the hello.
    public var hostname: String
    /// Agent software version sent in the hello.
    public var agentVersion: String
    /// Window, memory bound and sequence reservation of the delivery ledger. The default reserves
    /// one sequence number at a time (one small durable write per batch) so that a restarted agent
    /// continues with the next number and the aggregator's gap detection stays meaningful.
    public var ledger: DeliveryLedger.Configuration
    /// Reconnect backoff.
    public var backoff: Backoff.Configuration
    /// After the input ends, how long to wait for every batch to be acknowledged before spooling
    /// the rest and returning.
    public var drainTimeout: Duration
    /// How long one connection attempt (TCP connect plus the hello's reply) may take before the
    /// shipper gives up on that endpoint.
    public var connectTimeout: Duration
    /// On an established session, the longest wait for an acknowledgement while batches are
    /// outstanding (sent, not acknowledged): past it the shipper closes the session ("no
    /// acknowledgement for 30 s"), counts it (``ShipperSummary/ackTimeouts``,
    /// `fleet_agent_ack_timeouts_total`) and fails over as for a lost connection, resending what
    /// was not acknowledged. Each acknowledgement starts the wait over; with nothing outstanding a
    /// session may stay idle indefinitely. It must exceed the aggregator's slowest commit of one
    /// batch. Default 30 s; nil: no deadline (a hung aggregator holds the agent until TCP fails).
    public var ackTimeout: Duration? = .seconds(30)
    /// Frame codec (compression) for outgoing batches and limits for incoming replies.
    public var codec: WireCodec
    /// TLS to the aggregator; nil means plain TCP (only when explicitly asked for).
    public var tls: ShipperTLS?
    /// Networks this agent treats as local, reported in the hello.
    public var vpcCIDRs: [WireCIDR] = []
    /// Addresses of the monitored interfaces, reported in the hello.
    public var interfaceAddresses: [IPAddress] = []
    /// Cloud provider (`aws`, `gcp`, ...), reported in the hello when known.
    public var cloudProvider: String?
    /// Cloud instance id, reported in the hello when known.
    public var instanceID: String?

    /// Creates a configuration for one aggregator with the ledger's defaults (but a reservation of 1),
    /// backoff defaults, a 60 s drain timeout and a 10 s connect timeout. The TLS name to verify
    /// is `tls.serverHostname` only (as before endpoint lists existed).
    public init(
        host: String, port: Int, agentID: String, token: String, hostname: String, agentVersion: String,
        ledger: DeliveryLedger.Configuration = DeliveryLedger.Configuration(sequenceReservation: 1),
        backoff: Backoff.Configuration = Backoff.Configuration(),
        drainTimeout: Duration = .seconds(60), connectTimeout: Duration = .seconds(10), codec: WireCodec = WireCodec(),
        tls: ShipperTLS? = nil
    ) {
        self.init(
            endpoints: [ShipperEndpoint(host: host, port: port, serverHostname: nil)], agentID: agentID, token: token,
            hostname: hostname, agentVersion: agentVersion, ledger: ledger, backoff: backoff, drainTimeout: drainTimeout,
            connectTimeout: connectTimeout, codec: codec, tls: tls)
    }

    /// Creates a configuration for a list of aggregators (see ``endpoints``), with the same defaults.
    /// - Precondition: `endpoints` is not empty.
    public init(
        endpoints: [ShipperEndpoint], agentID: String, token: String, hostname: String, agentVersion: String,
        ledger: DeliveryLedger.Configuration = DeliveryLedger.Configuration(sequenceReservation: 1),
        backoff: Backoff.Configuration = Backoff.Configuration(),
        drainTimeout: Duration = .seconds(60), connectTimeout: Duration = .seconds(10), codec: WireCodec = WireCodec(),
        tls: ShipperTLS? = nil
    ) {
        precondition(!endpoints.isEmpty, "a shipper needs at least one aggregator endpoint")
        self.tls = tls
        self.endpoints = endpoints
        self.agentID = agentID
        self.token = token
        self.hostname = hostname
        self.agentVersion = agentVersion
        self.ledger = ledger
        self.backoff = backoff
        self.drainTimeout = drainTimeout
        self.connectTimeout = connectTimeout
        self.codec = codec
    }
}

/// One batch of records handed to the ``Shipper``, with the agent's counters at that moment.
public struct OutgoingBatch: Sendable {
    /// The records.
    public var records: RecordBatch
    /// Cumulative capture counters (the shipper fills in the spool fields).
    public var stats: WireCaptureStats

    /// Creates a batch.
    public init(records: RecordBatch, stats: WireCaptureStats = WireCaptureStats()) {
        self.records = records
        self.stats = stats
    }
}

/// How a ``Shipper/run(input:)`` ended.
public struct ShipperSummary: Sendable, Hashable {
    /// Why it returned.
    public enum Ending: Sendable, Hashable {
        /// Input ended and every batch was acknowledged.
        case drained
        /// A stop was requested: unacknowledged batches are in the spool.
        case stopped
        /// Input ended but the drain timeout passed: unacknowledged batches are in the spool.
        case timedOut
    }

    /// Why it returned.
    public var ending: Ending
    /// Batches left unacknowledged (all spooled).
    public var pendingBatches: Int
    /// The ledger's counters.
    public var ledger: DeliveryLedger.Counters
    /// Connections established.
    public var connections: UInt64
    /// Connection attempts that failed (including rejected hellos).
    public var failedConnects: UInt64
    /// Records in the batches this run numbered (acknowledged, or spooled for the next run); spooled
    /// batches of an earlier run that this run delivered are not counted again.
    public var records: UInt64 = 0
    /// Sessions established on another aggregator than the previous session's (the first session
    /// counts when it is not on the first endpoint of the list).
    public var failovers: UInt64 = 0
    /// Sessions the shipper closed because batches waited ``ShipperConfiguration/ackTimeout``
    /// without an acknowledgement.
    public var ackTimeouts: UInt64 = 0
    /// The aggregator of the last session, if there was one.
    public var lastEndpoint: ShipperEndpoint?
}

/// A failure that stops the shipper.
public struct ShipperError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// TLS settings of the agent's connection: server certificate verification is always on.
public struct ShipperTLS: Sendable {
    /// The client context.
    public var context: NIOSSLContext
    /// Name checked against every aggregator's certificate (and sent as SNI), overriding each
    /// ``ShipperEndpoint/serverHostname``; nil: each endpoint's own name. NIOSSL also accepts a
    /// certificate whose IP address SAN matches the connected address; with no name at all, that
    /// is the only identity check (connecting to an IP address).
    public var serverHostname: String?

    /// Creates settings from a context.
    public init(context: NIOSSLContext, serverHostname: String?) {
        self.context = context
        self.serverHostname = serverHostname
    }

    /// Full verification against `trustRootsPath` (PEM CA bundle) or the system roots when nil; TLS 1.2 or later.
    /// - Throws: NIOSSL's error when the bundle cannot be loaded.
    public static func verifying(trustRootsPath: String?, serverHostname: String?) throws -> ShipperTLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        if let trustRootsPath { configuration.trustRoots = .file(trustRootsPath) }
        return ShipperTLS(context: try NIOSSLContext(configuration: configuration), serverHostname: serverHostname)
    }
}

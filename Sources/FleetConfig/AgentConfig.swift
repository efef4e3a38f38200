public import FleetModel

/// Settings of `fleet-agent`, as read from its YAML file (`deploy/fleet-agent.yaml` documents
/// every key). Command-line flags override them field by field; the token comes only from
/// `--token` or the `FLEET_TOKEN` environment variable, never from the file.
///
/// Fields without a default are optional in the file, but ``validate()`` requires the ones a
/// running agent needs (after flags are applied).
public struct AgentConfig: Sendable, Hashable {
    /// `spool:` — where unacknowledged batches wait.
    public struct Spool: Sendable, Hashable {
        /// `spool.dir`.
        public var directory: String?
        /// `spool.max_bytes` (default 256 MiB); the oldest batches are dropped beyond it.
        public var maxBytes: Int = 256 << 20
        public init() {}
    }

    /// `tls:` — how the agent reaches the aggregator.
    public struct TLS: Sendable, Hashable {
        /// `tls.ca`: PEM bundle that signs the aggregator's certificate (default: system roots).
        public var ca: String?
        /// `tls.server_name`: name to verify in the certificate (default: the aggregator host).
        public var serverName: String?
        /// `tls.plaintext`: plain TCP instead of TLS (loopback tests and demos only).
        public var plaintext = false
        public init() {}
    }

    /// `batch:` — when a batch of records is shipped.
    public struct Batch: Sendable, Hashable {
        /// `batch.max_records` (default 5000).
        public var maxRecords = 5_000
        /// `batch.max_interval`: longest a record waits (default 5 s).
        public var maxInterval: Duration = .seconds(5)
        public init() {}
    }

    /// `flow_timeouts:` — inactivity timeouts in packet time (Zeek's defaults).
    public struct FlowTimeouts: Sendable, Hashable {
        /// `flow_timeouts.tcp` (default 5 m).
        public var tcp: Duration = .seconds(300)
        /// `flow_timeouts.udp` (default 1 m).
        public var udp: Duration = .seconds(60)
        /// `flow_timeouts.icmp` (default 1 m).
        public var icmp: Duration = .seconds(60)
        public init() {}
    }

    /// `interface`: live capture interface (exactly one of this and `read`).
    public var interface: String?
    /// `read`: pcap file to replay instead of capturing.
    public var read: String?
    /// `filter`: BPF filter (traffic to the aggregators is always excluded).
    public var filter: String?
    /// `ignore_checksums`: Zeek's `-C` (default false).
    public var ignoreChecksums = false
    /// `aggregator` (or `aggregators`): the ingest addresses, in order of preference. The agent
    /// stays on one while it works and fails over to the next (wrapping) when it does not; the
    /// aggregators must share one store. The file gives one `HOST:PORT`, a comma-separated list or
    /// a YAML list.
    public var aggregators: [HostAndPort] = []

    /// The first of ``aggregators``; setting it replaces the list with that one address (or none).
    public var aggregator: HostAndPort? {
        get { aggregators.first }
        set { aggregators = newValue.map { [$0] } ?? [] }
    }
    /// `agent_id`.
    public var agentID: String?
    /// `hostname`: overrides the host name reported in the hello.
    public var hostname: String?
    public var spool = Spool()
    public var tls = TLS()
    public var batch = Batch()
    public var flowTimeouts = FlowTimeouts()
    /// `max_flows` (default 1,000,000).
    public var maxFlows = 1_000_000
    /// `interim_interval`: interim conn records of long flows (default 60 s; `off` disables).
    public var interimInterval: Duration? = .seconds(60)
    /// `first_interim_delay`: a TCP connection still open this long after it started gets its first interim
    /// record then, so live detectors see it early (default 5 s; `off`: the first one after `interim_interval`).
    public var firstInterimDelay: Duration? = .seconds(5)
    /// `metrics`: Prometheus endpoint (default 127.0.0.1:9464; `off` disables).
    public var metrics: HostAndPort? = HostAndPort(host: "127.0.0.1", port: 9464)
    /// `vpc_cidrs`: networks reported in the hello as this agent's VPC.
    public var vpcCIDRs: [IPNetwork] = []
    /// `addresses`: the VM's own addresses, reported in the hello. Empty (the default): a live capture reports
    /// the capture interface's addresses; a `read` replay reports none.
    public var addresses: [IPAddress] = []
    /// `drain_timeout`: after a replay ends, how long to wait for acknowledgements (default 60 s).
    public var drainTimeout: Duration = .seconds(60)
    /// `ack_timeout`: on an established session, the longest wait for an acknowledgement while batches are
    /// outstanding; past it the agent drops the session and fails over (default 30 s; `off`: no deadline).
    public var ackTimeout: Duration? = .seconds(30)
    /// `log_level` (default info).
    public var logLevel = "info"

    /// Values `ack_timeout` accepts (and `--ack-timeout`).
    public static let ackTimeoutRange = Duration.milliseconds(100)...Duration.seconds(86_400)

    /// Log levels accepted by `log_level`.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// The defaults (no file).
    public init() {}

    /// Decodes a YAML document.
    /// - Throws: ``ConfigError`` naming the key for a malformed value or an unknown key.
    public init(yaml: String) throws(ConfigError) {
        var root = try ConfigMapping.document(yaml)
        try self.init(from: &root)
    }

    /// Reads and decodes the YAML file at `path`.
    /// - Throws: ``ConfigError`` naming the file and key.
    public init(contentsOf path: String) throws(ConfigError) {
        do {
            try self.init(yaml: try ConfigFile.read(path))
        } catch {
            throw error.file == nil ? error.inFile(path) : error
        }
    }

    init(from root: inout ConfigMapping) throws(ConfigError) {
        interface = try root.string("interface")
        read = try root.string("read")
        filter = try root.string("filter")
        ignoreChecksums = try root.bool("ignore_checksums") ?? ignoreChecksums
        let single = try root.hostPorts("aggregator")
        let list = try root.hostPorts("aggregators")
        if single != nil && list != nil {
            throw root.failure("aggregators", "give either aggregator or aggregators, not both")
        }
        aggregators = single ?? list ?? []
        agentID = try root.string("agent_id")
        hostname = try root.string("hostname")
        if var section = try root.section("spool") {
            spool.directory = try section.string("dir")
            spool.maxBytes = try section.byteSize("max_bytes", in: (1 << 20)...(1 << 50)) ?? spool.maxBytes
            try section.finish()
        }
        if var section = try root.section("tls") {
            tls.ca = try section.string("ca")
            tls.serverName = try section.string("server_name")
            tls.plaintext = try section.bool("plaintext") ?? tls.plaintext
            try section.finish()
        }
        if var section = try root.section("batch") {
            batch.maxRecords = try section.int("max_records", in: 1...1_000_000) ?? batch.maxRecords
            batch.maxInterval = try section.duration("max_interval", in: .milliseconds(10)...(.seconds(3600)))
                ?? batch.maxInterval
            try section.finish()
        }
        if var section = try root.section("flow_timeouts") {
            let range = Duration.seconds(1)...Duration.seconds(86_400)
            flowTimeouts.tcp = try section.duration("tcp", in: range) ?? flowTimeouts.tcp
            flowTimeouts.udp = try section.duration("udp", in: range) ?? flowTimeouts.udp
            flowTimeouts.icmp = try section.duration("icmp", in: range) ?? flowTimeouts.icmp
            try section.finish()
        }
        maxFlows = try root.int("max_flows", in: 1_000...100_000_000) ?? maxFlows
        if try root.string("interim_interval") == "off" {
            interimInterval = nil
        } else {
            interimInterval = try root.duration("interim_interval", in: .seconds(1)...(.seconds(86_400)))
                ?? interimInterval
        }
        if try root.string("first_interim_delay") == "off" {
            firstInterimDelay = nil
        } else {
            firstInterimDelay = try root.duration("first_interim_delay", in: .milliseconds(100)...(.seconds(86_400)))
                ?? firstInterimDelay
        }
        if try root.string("metrics") == "off" {
            metrics = nil
        } else {
            metrics = try root.hostPort("metrics") ?? metrics
        }
        vpcCIDRs = try root.networks("vpc_cidrs") ?? vpcCIDRs
        addresses = try root.addresses("addresses") ?? addresses
        drainTimeout = try root.duration("drain_timeout", in: .seconds(1)...(.seconds(86_400))) ?? drainTimeout
        if try root.string("ack_timeout") == "off" {
            ackTimeout = nil
        } else {
            ackTimeout = try root.duration("ack_timeout", in: Self.ackTimeoutRange) ?? ackTimeout
        }
        logLevel = try root.choice("log_level", Self.logLevels) ?? logLevel
        try root.finish()
    }

    /// Checks the settings a running agent needs (call after applying flags).
    /// - Throws: ``ConfigError`` naming the key (flags use the same names with dashes).
    public func validate() throws(ConfigError) {
        guard (read != nil) != (interface != nil) else {
            throw ConfigError(key: "interface", "give exactly one of interface (live capture) or read (pcap file)")
        }
        guard !aggregators.isEmpty else {
            throw ConfigError(key: "aggregator", "required: the aggregator's HOST:PORT (or a list of them)")
        }
        guard let agentID, !agentID.isEmpty else { throw ConfigError(key: "agent_id", "required") }
        guard spool.directory != nil else { throw ConfigError(key: "spool.dir", "required: a spool directory") }
        if tls.plaintext && (tls.ca != nil || tls.serverName != nil) {
            throw ConfigError(key: "tls.plaintext", "cannot be combined with tls.ca or tls.server_name")
        }
        guard Self.logLevels.contains(logLevel) else {
            throw ConfigError(key: "log_level", "expected one of \(Self.logLevels.joined(separator: ", ")), got \"\(logLevel)\"")
        }
    }
}

import ProcessSupport
import AgentCore
import AgentRuntime
import ArgumentParser
import Capture
import FleetConfig
import FleetModel
import FleetWire
import FlowTracking
import Foundation
import Logging
import PacketLayers

/// `fleet-agent`: captures (or replays) traffic, turns it into records and ships them to the
/// aggregator exactly once, spooling to disk while it is unreachable.
@main
struct FleetAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-agent",
        abstract: "Capture traffic, build Zeek-grade records and ship them to a fleet aggregator.")

    @Option(help: "YAML configuration file (deploy/fleet-agent.yaml documents it); flags override it.")
    var config: String?

    @Option(help: "Replay this pcap file, then exit once everything is acknowledged.")
    var read: String?

    @Option(help: "With --read: replay at this multiple of capture time (10 = ten times faster); default: as fast as possible.")
    var replaySpeed: Double?

    @Option(help: "Flush a batch once it holds this many records (default: the config file's batch.max_records).")
    var batchRecords: Int?

    @Option(help: "Seed of the connection uids (default: random per run, so a restarted agent never reuses a uid; tests pass a fixed one to compare with `fleetctl analyze`).")
    var uidSeed: UInt64?

    @Option(help: "With --read: shift packet times so the capture starts at this Unix time in seconds (demos: recent records for `fleetctl --since`).")
    var replayStart: Int64?

    @Option(help: "Capture live on this interface (needs CAP_NET_RAW).")
    var interface: String?

    @Option(help: "BPF filter for live capture (traffic to the aggregators is always excluded).")
    var filter: String?

    @Flag(name: [.customShort("C"), .long], help: "Do not verify checksums (Zeek's -C; needed on links with checksum offload, e.g. lo or veth).")
    var ignoreChecksums = false

    @Option(
        name: .customLong("aggregator"),
        help: ArgumentHelp(
            "Aggregator ingest address HOST:PORT ([v6]:PORT for IPv6). Repeat it or give a comma-separated list: the agent fails over between them in this order (replaces the file's list).",
            valueName: "host:port"))
    var aggregators: [String] = []

    @Option(help: "This agent's id.")
    var agentID: String?

    @Option(help: "Agent token (default: the FLEET_TOKEN environment variable).")
    var token: String?

    @Option(help: "Host name reported to the aggregator (default: this machine's).")
    var hostname: String?

    @Option(help: "Spool directory for batches not yet acknowledged.")
    var spool: String?

    @Option(help: "Spool size bound in MiB (oldest batches are dropped beyond it; default 256).")
    var spoolMiB: Int?

    @Option(help: "After the input ends, seconds to wait for acknowledgements (default 60).")
    var drainTimeout: Int?

    @Option(help: "Longest wait for an acknowledgement while batches are outstanding (30s, 500ms, 2m; a bare number is seconds); past it the agent drops the session and fails over. `off` disables it (default 30s).")
    var ackTimeout: String?

    @Flag(help: "Connect with plain TCP (loopback tests and demos only); TLS otherwise.")
    var plaintext = false

    @Option(help: "PEM CA bundle that signs the aggregator's certificate (default: system roots).")
    var tlsCA: String?

    @Option(help: "Name to verify in the aggregator's certificate (default: the aggregator host unless it is an IP address).")
    var tlsServerName: String?

    @Option(help: "Prometheus endpoint HOST:PORT serving /metrics and /healthz, or `off` (default 127.0.0.1:9464).")
    var metrics: String?

    @Option(name: .customLong("vpc-cidr"), help: "A VPC network reported in the hello (repeatable; replaces the file's list).")
    var vpcCIDRs: [String] = []

    @Option(name: .customLong("address"), help: "An address of this VM reported in the hello (repeatable; replaces the file's list; default: the capture interface's addresses).")
    var addresses: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String?

    func validate() throws {
        let settings = try settings()
        if settings.tls.plaintext && (settings.tls.ca != nil || settings.tls.serverName != nil) {
            throw ValidationError("--plaintext cannot be combined with --tls-ca or --tls-server-name")
        }
        guard resolvedToken() != nil else { throw ValidationError("no token: pass --token or set FLEET_TOKEN") }
        if let replaySpeed {
            guard settings.read != nil else { throw ValidationError("--replay-speed needs --read") }
            guard replaySpeed > 0, replaySpeed.isFinite else { throw ValidationError("--replay-speed must be positive") }
        }
        if let replayStart {
            guard settings.read != nil else { throw ValidationError("--replay-start needs --read") }
            guard replayStart >= 0, replayStart < 1 << 40 else { throw ValidationError("--replay-start: not a Unix time") }
        }
        if let batchRecords, batchRecords < 1 { throw ValidationError("--batch-records must be positive") }
    }

    /// The configuration file (or the defaults) with every given flag applied, validated.
    func settings() throws -> AgentConfig {
        var settings: AgentConfig
        do {
            settings = try config.map { path throws(ConfigError) in try AgentConfig(contentsOf: path) } ?? AgentConfig()
        } catch {
            throw ValidationError("\(error)")
        }
        if let read { settings.read = read; settings.interface = nil }
        if let interface { settings.interface = interface; settings.read = nil }
        if read != nil && interface != nil { settings.interface = interface; settings.read = read }
        if let filter { settings.filter = filter }
        if ignoreChecksums { settings.ignoreChecksums = true }
        if !aggregators.isEmpty { settings.aggregators = try Self.parseAggregators(aggregators) }
        if let agentID { settings.agentID = agentID }
        if let hostname { settings.hostname = hostname }
        if let spool { settings.spool.directory = spool }
        if let spoolMiB {
            guard spoolMiB > 0 else { throw ValidationError("--spool-mib must be positive") }
            settings.spool.maxBytes = spoolMiB << 20
        }
        if let drainTimeout {
            guard drainTimeout > 0 else { throw ValidationError("--drain-timeout must be positive") }
            settings.drainTimeout = .seconds(drainTimeout)
        }
        if let ackTimeout {
            if ackTimeout == "off" {
                settings.ackTimeout = nil
            } else {
                guard let timeout = ConfigValue.duration(ackTimeout), AgentConfig.ackTimeoutRange.contains(timeout) else {
                    throw ValidationError("--ack-timeout must be a duration from 100ms to 24h, or off; got \(ackTimeout)")
                }
                settings.ackTimeout = timeout
            }
        }
        if plaintext {
            // --plaintext overrides the file's TLS settings (but not TLS flags given with it).
            settings.tls.plaintext = true
            settings.tls.ca = nil
            settings.tls.serverName = nil
        }
        if let tlsCA { settings.tls.ca = tlsCA }
        if let tlsServerName { settings.tls.serverName = tlsServerName }
        if let metrics {
            if metrics == "off" {
                settings.metrics = nil
            } else {
                guard let address = HostAndPort(metrics, listening: true) else {
                    throw ValidationError("--metrics must be HOST:PORT or off, got \(metrics)")
                }
                settings.metrics = address
            }
        }
        if !vpcCIDRs.isEmpty {
            settings.vpcCIDRs = try vpcCIDRs.map { text in
                guard let network = IPNetwork(text) else { throw ValidationError("--vpc-cidr: not a CIDR: \(text)") }
                return network
            }
        }
        if !addresses.isEmpty {
            settings.addresses = try addresses.map { text in
                guard let address = IPAddress(text) else { throw ValidationError("--address: not an IP address: \(text)") }
                return address
            }
        }
        if let logLevel { settings.logLevel = logLevel }
        do { try settings.validate() } catch { throw ValidationError("\(error)") }
        return settings
    }

    func run() async throws {
        let settings = try settings()
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "fleet-agent")
        guard !settings.aggregators.isEmpty, let agentID = settings.agentID,
              let spoolDirectory = settings.spool.directory else { throw ValidationError("incomplete configuration") }
        // Each aggregator's certificate is checked against tls.server_name when given, else its own
        // host name (an IP address host: the certificate's IP SAN).
        let endpoints = settings.aggregators.map { ShipperEndpoint(host: $0.host, port: $0.port) }
        let tls: ShipperTLS? = settings.tls.plaintext ? nil : try ShipperTLS.verifying(
            trustRootsPath: settings.tls.ca, serverHostname: settings.tls.serverName)
        let registry = AgentMetricsRegistry()
        let agentMetrics = AgentMetrics(factory: registry.factory)
        var metricsServer: MetricsServer?
        if let endpoint = settings.metrics {
            metricsServer = try await MetricsServer.bind(
                host: endpoint.host, port: endpoint.port, logger: logger, render: { registry.render() })
        }
        let spoolStore = try Spool(
            configuration: SpoolConfiguration(directory: spoolDirectory, maxBytes: settings.spool.maxBytes), logger: logger)
        var shipperConfiguration = ShipperConfiguration(
            endpoints: endpoints, agentID: agentID, token: resolvedToken() ?? "",
            hostname: settings.hostname ?? ProcessInfo.processInfo.hostName, agentVersion: "0.1.0",
            drainTimeout: settings.drainTimeout, tls: tls)
        shipperConfiguration.ackTimeout = settings.ackTimeout
        shipperConfiguration.vpcCIDRs = settings.vpcCIDRs.map {
            WireCIDR(address: $0.address, prefixLength: UInt8(clamping: $0.prefixLength))
        }
        // The VM's addresses: configured, else those of the capture interface (none for a replay).
        shipperConfiguration.interfaceAddresses =
            !settings.addresses.isEmpty ? settings.addresses
            : settings.read == nil ? settings.interface.map { InterfaceAddresses.of(interface: $0) } ?? [] : []
        let shipper = try Shipper(configuration: shipperConfiguration, spool: spoolStore, logger: logger, metrics: agentMetrics)

        if endpoints.count > 1 {
            logger.info("aggregator failover list", metadata: ["aggregators": "\(endpoints.map(\.description))"])
        }
        let source = try openSource(settings, excluding: endpoints)
        let (input, continuation) = AsyncThrowingStream<OutgoingBatch, any Error>.makeStream()
        let stop = shipper.stopHandle
        var configured = PipelineConfiguration()
        configured.decoder.verifyChecksums = !settings.ignoreChecksums
        configured.flows.tcpInactivityTimeout = Self.networkDuration(settings.flowTimeouts.tcp)
        configured.flows.udpInactivityTimeout = Self.networkDuration(settings.flowTimeouts.udp)
        configured.flows.icmpInactivityTimeout = Self.networkDuration(settings.flowTimeouts.icmp)
        configured.flows.maxFlows = settings.maxFlows
        configured.flows.interimInterval = settings.interimInterval.map(Self.networkDuration)
        configured.flows.firstInterimDelay = settings.firstInterimDelay.map(Self.networkDuration)
        // A fixed seed would give every run of this agent the same uids: a restart would reuse them (a conn
        // is stored under its agent and uid).
        configured.flows.uidSeed = uidSeed ?? UInt64.random(in: 1...UInt64.max)
        let pipeline = configured
        let replay = ReplayPacing(
            speed: replaySpeed, startAt: replayStart.map { NetworkTime(microseconds: $0 * 1_000_000) })
        let policy = BatchPolicy(maxRecords: batchRecords ?? settings.batch.maxRecords, maxAge: settings.batch.maxInterval)
        var captureStatistics: (@Sendable () -> CaptureStatistics)?
        if let live = source.live { captureStatistics = { live.statistics } }
        let statistics = captureStatistics
        let endpoint = metricsServer
        let summary = try await withThrowingTaskGroup(of: Void.self, returning: ShipperSummary.self) { group in
            group.addTask {
                var producer = RecordProducer(pipeline: pipeline, policy: policy)
                await producer.ship(
                    source.packets, captureStatistics: statistics, metrics: agentMetrics, replay: replay, to: continuation)
            }
            group.addTask {
                let signal = await ShutdownSignal.wait()
                if Task.isCancelled { return }
                logger.info("stopping: flushing records to the spool", metadata: ["signal": "\(signal)"])
                source.live?.stop()
                stop.requestStop()
            }
            if let endpoint {
                group.addTask { await endpoint.run() }
            }
            defer { group.cancelAll() }
            return try await shipper.run(input: input)
        }
        metricsServer?.close()
        logger.info("agent finished", metadata: [
            "ending": "\(summary.ending)", "batches.sent": "\(summary.ledger.sent)",
            "batches.acknowledged": "\(summary.ledger.acknowledged)", "batches.pending": "\(summary.pendingBatches)",
            "batches.lost": "\(summary.ledger.lost)", "records.batched": "\(summary.records)",
            "aggregator.failovers": "\(summary.failovers)",
            "aggregator.last": "\(summary.lastEndpoint.map(\.description) ?? "-")",
        ])
        if summary.ending == .timedOut { throw ExitCode(3) }
    }

    private struct Source: Sendable {
        var packets: PacketBatchStream
        var live: LiveCapture?
    }

    private func openSource(_ settings: AgentConfig, excluding endpoints: [ShipperEndpoint]) throws -> Source {
        if let read = settings.read {
            return Source(packets: try PcapFileReader.packetBatches(path: read), live: nil)
        }
        var configuration = LiveCaptureConfiguration(interface: settings.interface ?? "")
        // The agent's own traffic to every aggregator of the list stays out of the capture.
        configuration.filter = OwnTrafficFilter.bpf(excluding: endpoints, filter: settings.filter)
        let capture = try LiveCapture(configuration: configuration)
        return Source(packets: capture.packetBatches(), live: capture)
    }

    /// The `--aggregator` values: each one HOST:PORT or a comma-separated list; no address twice.
    static func parseAggregators(_ values: [String]) throws -> [HostAndPort] {
        var addresses: [HostAndPort] = []
        for part in values.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let address = HostAndPort(text) else {
                throw ValidationError("--aggregator must be HOST:PORT (or a comma-separated list of them), got \"\(text)\"")
            }
            guard !addresses.contains(address) else { throw ValidationError("--aggregator: \(address) is listed twice") }
            addresses.append(address)
        }
        return addresses
    }

    private func resolvedToken() -> String? {
        token ?? ProcessInfo.processInfo.environment["FLEET_TOKEN"]
    }

    private static func networkDuration(_ duration: Duration) -> NetworkDuration {
        let (seconds, attoseconds) = duration.components
        return NetworkDuration(microseconds: seconds &* 1_000_000 &+ attoseconds / 1_000_000_000_000)
    }
}

import ProcessSupport
import AgentCore
import AgentRuntime
import ArgumentParser
import Capture
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

    @Option(help: "Replay this pcap file, then exit once everything is acknowledged.")
    var read: String?

    @Option(help: "With --read: replay at this multiple of capture time (10 = ten times faster); default: as fast as possible.")
    var replaySpeed: Double?

    @Option(help: "Flush a batch once it holds this many records (default 5000).")
    var batchRecords: Int?

    @Option(help: "Capture live on this interface (needs CAP_NET_RAW).")
    var interface: String?

    @Option(help: "BPF filter for live capture (traffic to the aggregator is always excluded).")
    var filter: String?

    @Flag(name: [.customShort("C"), .long], help: "Do not verify checksums (Zeek's -C; needed on links with checksum offload, e.g. lo or veth).")
    var ignoreChecksums = false

    @Option(help: "Aggregator ingest address, HOST:PORT.")
    var aggregator: String

    @Option(help: "This agent's id.")
    var agentID: String

    @Option(help: "Agent token (default: the FLEET_TOKEN environment variable).")
    var token: String?

    @Option(help: "Spool directory for batches not yet acknowledged.")
    var spool: String

    @Option(help: "Spool size bound in MiB (oldest batches are dropped beyond it).")
    var spoolMiB: Int = 256

    @Option(help: "After the input ends, seconds to wait for acknowledgements.")
    var drainTimeout: Int = 60

    @Flag(help: "Connect with plain TCP (loopback tests and demos only); TLS otherwise.")
    var plaintext = false

    @Option(help: "PEM CA bundle that signs the aggregator's certificate (default: system roots).")
    var tlsCA: String?

    @Option(help: "Name to verify in the aggregator's certificate (default: the aggregator host unless it is an IP address).")
    var tlsServerName: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (read != nil) != (interface != nil) else { throw ValidationError("give exactly one of --read FILE or --interface IF") }
        if plaintext && (tlsCA != nil || tlsServerName != nil) {
            throw ValidationError("--plaintext cannot be combined with --tls-ca or --tls-server-name")
        }
        _ = try parseAddress()
        guard resolvedToken() != nil else { throw ValidationError("no token: pass --token or set FLEET_TOKEN") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level \(logLevel)") }
        guard drainTimeout > 0, spoolMiB > 0 else { throw ValidationError("--drain-timeout and --spool-mib must be positive") }
        if let replaySpeed {
            guard read != nil else { throw ValidationError("--replay-speed needs --read") }
            guard replaySpeed > 0, replaySpeed.isFinite else { throw ValidationError("--replay-speed must be positive") }
        }
        if let batchRecords, batchRecords < 1 { throw ValidationError("--batch-records must be positive") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "fleet-agent")
        let (host, port) = try parseAddress()
        let tls: ShipperTLS? = plaintext ? nil : try ShipperTLS.verifying(
            trustRootsPath: tlsCA, serverHostname: tlsServerName ?? (Self.isIPAddress(host) ? nil : host))
        let spoolStore = try Spool(
            configuration: SpoolConfiguration(directory: spool, maxBytes: spoolMiB << 20), logger: logger)
        let shipper = try Shipper(
            configuration: ShipperConfiguration(
                host: host, port: port, agentID: agentID, token: resolvedToken() ?? "",
                hostname: ProcessInfo.processInfo.hostName, agentVersion: "0.1.0",
                drainTimeout: .seconds(drainTimeout), tls: tls),
            spool: spoolStore, logger: logger)

        let source = try openSource(aggregatorHost: host, aggregatorPort: port)
        let (input, continuation) = AsyncThrowingStream<OutgoingBatch, any Error>.makeStream()
        let stop = shipper.stopHandle
        var configured = PipelineConfiguration()
        configured.decoder.verifyChecksums = !ignoreChecksums
        let pipeline = configured
        let policy = BatchPolicy(maxRecords: batchRecords ?? BatchPolicy().maxRecords)
        let replaySpeed = self.replaySpeed
        let summary = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var producer = RecordProducer(pipeline: pipeline, policy: policy)
                let clock = ContinuousClock()
                // --replay-speed: each packet batch waits until its last packet's capture time (scaled).
                var pace: (wall: ContinuousClock.Instant, capture: Int64)?
                func emit(_ flush: RecordAccumulator.Flush) {
                    let stats = WireCaptureStats(
                        packetsSeen: producer.packets, kernelDrops: source.live?.statistics.kernelDropped ?? 0,
                        flowsActive: UInt64(max(0, producer.statistics.flows.flowsActive)),
                        flowsEvicted: producer.statistics.flows.flowsEvicted)
                    continuation.yield(OutgoingBatch(records: flush.records, stats: stats))
                }
                do {
                    for try await batch in source.packets {
                        if let replaySpeed, let first = batch.timestamp(at: 0), let last = batch.timestamp(at: batch.count - 1) {
                            let start = pace ?? (clock.now, first.microseconds)
                            pace = start
                            let offset = Double(last.microseconds - start.capture) / replaySpeed
                            try await clock.sleep(until: start.wall + .microseconds(max(0, offset)))
                        }
                        let now = clock.now
                        for flush in producer.process(batch, now: now) { emit(flush) }
                        if let due = producer.tick(now: now) { emit(due) }
                    }
                    for flush in producer.finish(now: clock.now) { emit(flush) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            group.addTask {
                let signal = await ShutdownSignal.wait()
                if Task.isCancelled { return }
                logger.info("stopping: flushing records to the spool", metadata: ["signal": "\(signal)"])
                source.live?.stop()
                stop.requestStop()
            }
            defer { group.cancelAll() }
            return try await shipper.run(input: input)
        }
        logger.info("agent finished", metadata: [
            "ending": "\(summary.ending)", "batches.sent": "\(summary.ledger.sent)",
            "batches.acknowledged": "\(summary.ledger.acknowledged)", "batches.pending": "\(summary.pendingBatches)",
            "batches.lost": "\(summary.ledger.lost)",
        ])
        if summary.ending == .timedOut { throw ExitCode(3) }
    }

    private struct Source: Sendable {
        var packets: PacketBatchStream
        var live: LiveCapture?
    }

    private func openSource(aggregatorHost: String, aggregatorPort: Int) throws -> Source {
        if let read {
            return Source(packets: try PcapFileReader.packetBatches(path: read), live: nil)
        }
        var configuration = LiveCaptureConfiguration(interface: interface ?? "")
        let exclude = "not (host \(aggregatorHost) and tcp port \(aggregatorPort))"
        configuration.filter = filter.map { "(\($0)) and \(exclude)" } ?? exclude
        let capture = try LiveCapture(configuration: configuration)
        return Source(packets: capture.packetBatches(), live: capture)
    }

    private static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
    }

    private func resolvedToken() -> String? {
        token ?? ProcessInfo.processInfo.environment["FLEET_TOKEN"]
    }

    private func parseAddress() throws -> (String, Int) {
        guard let colon = aggregator.lastIndex(of: ":"),
              let port = Int(aggregator[aggregator.index(after: colon)...]), (1...65535).contains(port) else {
            throw ValidationError("--aggregator must be HOST:PORT, got \(aggregator)")
        }
        var host = String(aggregator[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--aggregator must be HOST:PORT, got \(aggregator)") }
        return (host, port)
    }
}

public import ArgumentParser
public import Detectors
import FleetModel
import FleetConfig
import Foundation
public import ZeekLogs
import FlowTracking

extension ZeekLogFormat: ExpressibleByArgument {}

extension Fleetctl {
    /// `fleetctl analyze FILE...`: Zeek-style logs from pcap/pcapng files, offline.
    public struct Analyze: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Analyze pcap/pcapng files offline and write Zeek-style logs.",
            discussion: """
                Writes conn.log, dns.log, http.log, ssl.log and weird.log (only logs that \
                have rows) into --out, in Zeek's TSV format or as Zeek-style JSON lines.
                """
        )

        @Argument(help: "Capture files (pcap or pcapng), read in order as one stream.")
        public var files: [String]

        @Option(name: .long, help: "Directory for the log files.")
        public var out: String = "."

        @Option(name: .long, help: "Log format: tsv (Zeek ASCII) or json.")
        public var format: ZeekLogFormat = .tsv

        @Flag(name: [.customShort("C"), .long], help: "Do not verify checksums (Zeek's -C).")
        public var ignoreChecksums = false

        @Option(name: .long, help: "Inactivity timeout of established TCP connections, in seconds.")
        public var tcpTimeout: Double = 300

        @Option(name: .long, help: "Inactivity timeout of UDP flows and TCP handshakes, in seconds.")
        public var udpTimeout: Double = 60

        @Option(name: .long, help: "Inactivity timeout of ICMP flows, in seconds.")
        public var icmpTimeout: Double = 60

        @Option(name: .long, help: "Most flows tracked at once; beyond it flows are evicted and logged.")
        public var maxFlows: Int = 1_000_000

        @Option(name: .long, help: "Seconds between interim conn records of long flows (0: none, as Zeek).")
        public var interimInterval: Double = 0

        @Flag(name: .long, help: "Report progress on stderr every 2 s (default: only when stderr is a terminal).")
        public var progress = false

        @Option(name: [.customShort("o"), .long], help: "Findings output after the logs: table, json (JSON lines) or none.")
        public var output: FindingsOutput = .table

        @Option(name: .long, help: ArgumentHelp(
            "Noise configuration for the detectors (cloud endpoints, VPC CIDRs, allowlists).",
            discussion: "One directive per line, e.g. `endpoint metadata 169.254.42.254`, `network 172.31.0.0/16`, "
                + "`allow cidr 203.0.113.10/32`: the aggregator's --noise format (NoiseConfiguration).",
            valueName: "file"))
        public var noise: String?

        @Option(name: .long, help: ArgumentHelp(
            "A VPC CIDR of the captured host (repeatable); traffic inside it is intra-VPC.", valueName: "cidr"))
        public var vpcCidr: [String] = []

        @Option(name: .long, help: "Most findings kept; beyond it the least severe are dropped (and counted).")
        public var maxFindings: Int = DetectionEngine.Configuration.offline.maxFindings

        @Option(name: .long, help: "Rows of the findings table, most severe first (0: all). -o json prints every finding.")
        public var limit: Int = 100

        /// How findings are printed.
        public enum FindingsOutput: String, ExpressibleByArgument, Sendable {
            case table, json, none
        }

        public init() {}

        public func validate() throws {
            guard !files.isEmpty else { throw ValidationError("give at least one capture file") }
            for (name, value) in [("--tcp-timeout", tcpTimeout), ("--udp-timeout", udpTimeout), ("--icmp-timeout", icmpTimeout)]
            where !(value > 0 && value < 1e9) {
                throw ValidationError("\(name) must be a positive number of seconds")
            }
            guard interimInterval >= 0, interimInterval < 1e9 else {
                throw ValidationError("--interim-interval must be 0 or a positive number of seconds")
            }
            guard maxFlows > 0 else { throw ValidationError("--max-flows must be positive") }
            guard maxFindings > 0 else { throw ValidationError("--max-findings must be positive") }
            guard limit >= 0 else { throw ValidationError("--limit must be 0 (all rows) or positive") }
            for text in vpcCidr where CIDR(text) == nil {
                throw ValidationError("--vpc-cidr: not a CIDR: \(text)")
            }
        }

        /// The detectors' noise model from `--noise` and `--vpc-cidr` (defaults when neither is given).
        /// - Throws: `OfflineAnalysisError` when the file cannot be read or has a bad line.
        public func noiseModel(agent: String) throws(OfflineAnalysisError) -> NoiseModel {
            var configuration = NoiseConfiguration()
            if let noise {
                do { configuration = try NoiseFile.load(noise) } catch {
                    throw OfflineAnalysisError(message: "--noise: \(error)")
                }
            }
            let vpcs = vpcCidr.compactMap { CIDR($0) }
            return configuration.model(fleet: [FleetHost(id: agent, vpcCIDRs: vpcs)])
        }

        /// The analysis options these arguments stand for.
        public var options: OfflineAnalysis.Options {
            var options = OfflineAnalysis.Options()
            options.format = format
            options.outputDirectory = out
            options.ignoreChecksums = ignoreChecksums
            options.pipeline.flows.tcpInactivityTimeout = Self.duration(tcpTimeout)
            options.pipeline.flows.udpInactivityTimeout = Self.duration(udpTimeout)
            options.pipeline.flows.icmpInactivityTimeout = Self.duration(icmpTimeout)
            options.pipeline.flows.maxFlows = maxFlows
            options.pipeline.flows.interimInterval = interimInterval > 0 ? Self.duration(interimInterval) : nil
            options.detection?.maxFindings = maxFindings
            if output == .none { options.detection = nil }
            let terminal = isatty(STDERR_FILENO) != 0
            if progress || terminal {
                // On a terminal the line is redrawn in place; otherwise one line per report.
                let (prefix, suffix) = terminal ? ("\r\u{1B}[K", "") : ("", "\n")
                options.progress = { report in
                    let seconds = report.elapsed.components.seconds
                    StandardStreams.error(
                        "\(prefix)fleetctl: \(report.file): \(report.packets) packets, \(report.bytes) bytes, \(seconds) s\(suffix)")
                }
            }
            return options
        }

        public func run() throws {
            var options = options
            if options.detection != nil {
                do { options.detection?.noise = try noiseModel(agent: options.agentName) } catch {
                    Self.printError(error.message)
                    throw ExitCode.failure
                }
            }
            let result: OfflineAnalysis.Result
            do {
                result = try OfflineAnalysis.run(files: files, options: options)
            } catch {
                Self.printError(error.message)
                throw ExitCode.failure
            }
            if options.progress != nil, isatty(STDERR_FILENO) != 0 {
                StandardStreams.error("\r\u{1B}[K")
            }
            switch output {
            case .json:
                // Findings as JSON lines on stdout; the summary goes to stderr so stdout stays parseable.
                StandardStreams.error(Self.summaryText(result.summary))
                print(FindingFormatter.jsonLines(result.findings), terminator: "")
            case .table:
                print(Self.summaryText(result.summary), terminator: "")
                print("\n" + FindingFormatter.tally(result.findings))
                print(FindingFormatter.table(result.findings, limit: limit == 0 ? nil : limit), terminator: "")
            case .none:
                print(Self.summaryText(result.summary), terminator: "")
            }
            if let damage = result.summary.damage {
                Self.printError("\(damage) (logs hold the records before the damage)")
                throw ExitCode.failure
            }
        }

        /// The short report printed on stdout.
        public static func summaryText(_ summary: OfflineAnalysis.Summary) -> String {
            let seconds = Double(summary.elapsed.components.seconds) + Double(summary.elapsed.components.attoseconds) / 1e18
            var text = "packets \(summary.packets)  bytes \(summary.bytes)  flows \(summary.flows)  weirds \(summary.weirds)\n"
            for log in ["conn", "dns", "http", "ssl", "weird"] {
                text += "\(log).log".padding(toLength: 10, withPad: " ", startingAt: 0) + "\(summary.rows[log, default: 0]) rows\n"
            }
            if summary.findingsEvicted > 0 {
                text += "findings dropped at the --max-findings limit: \(summary.findingsEvicted) (least severe first)\n"
            }
            text += "elapsed " + String(format: "%.3f", seconds) + " s  "
                + String(format: "%.0f", summary.packetsPerSecond) + " packets/s\n"
            return text
        }

        static func printError(_ message: String) {
            StandardStreams.error("fleetctl: error: \(message)\n")
        }

        static func duration(_ seconds: Double) -> NetworkDuration {
            NetworkDuration(microseconds: Int64((seconds * 1_000_000).rounded()))
        }
    }
}

import Capture
public import Detectors
public import FleetModel
public import FlowTracking
import Foundation
import PacketLayers
public import ZeekLogs

/// Reads capture files through the packet pipeline and produces Zeek-style logs.
///
/// This is `fleetctl analyze` without the process: tests and benchmarks call
/// `run(files:options:)` directly. Not thread-safe; one run per task.
public struct OfflineAnalysis {
    /// What to read, how to track flows and where the logs go.
    public struct Options: Sendable {
        /// Decoder and flow-tracker settings (timeouts, max flows, interim interval, analyzers).
        public var pipeline = PipelineConfiguration()
        /// Output format of the log files.
        public var format: ZeekLogFormat = .tsv
        /// Directory for `conn.log` & co; nil writes no files (records are still counted).
        public var outputDirectory: String? = "."
        /// Keep every record in `Result.records` (tests); off for big files.
        public var collectRecords = false
        /// Run the detectors over the records as they are produced; nil turns detection off.
        public var detection: DetectionEngine.Configuration? = .offline
        /// Agent name the findings carry (offline: the capture stands for one host).
        public var agentName = "offline"
        /// Drain the pipeline after this many packets.
        public var drainInterval = 4096
        /// Called about every `progressInterval` of wall time while packets are read.
        public var progress: (@Sendable (Progress) -> Void)?
        public var progressInterval: Duration = .seconds(2)

        public init() {
            // Offline analysis matches Zeek's conn.log: no interim records unless asked for.
            pipeline.flows.interimInterval = nil
            // `--interim-interval N` gives records every N s exactly (no early first one for live detectors).
            pipeline.flows.firstInterimDelay = nil
        }

        /// Zeek's `-C`: do not verify IP/TCP/UDP/ICMP checksums.
        public var ignoreChecksums: Bool {
            get { !pipeline.decoder.verifyChecksums }
            set { pipeline.decoder.verifyChecksums = !newValue }
        }
    }

    /// A progress report while reading.
    public struct Progress: Sendable {
        public var file: String
        public var packets: UInt64
        public var bytes: UInt64
        public var elapsed: Duration
    }

    /// What a run did.
    public struct Summary: Sendable, Hashable {
        public var files = 0
        public var packets: UInt64 = 0
        /// Captured bytes read.
        public var bytes: UInt64 = 0
        public var flows: UInt64 = 0
        /// Rows per log path (`conn`, `dns`, ...); logs without rows are absent.
        public var rows: [String: Int] = [:]
        public var weirds: Int { rows["weird", default: 0] }
        /// Log files written, in the order they were opened.
        public var filesWritten: [String] = []
        /// Set when a capture was damaged part-way; the records before the damage were kept.
        public var damage: String?
        public var elapsed: Duration = .zero
        public var statistics = PipelineStatistics()
        /// Findings dropped at the detection engine's `maxFindings` limit (least severe first).
        public var findingsEvicted = 0

        public init() {}

        /// Packets per second of wall time.
        public var packetsPerSecond: Double {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return seconds > 0 ? Double(packets) / seconds : 0
        }
    }

    /// The outcome: the summary and, if asked for, every record.
    public struct Result: Sendable {
        public var summary: Summary
        public var records: RecordBatch
        /// Findings of the detectors, most severe first (empty when detection is off).
        public var findings: [Finding] = []
    }

    /// Runs the pipeline over `files` in order (as one stream, like `zeek -r a -r b`).
    ///
    /// - Throws: `OfflineAnalysisError` when a file is missing or not a capture
    ///   (nothing is written then), or when a log file cannot be written.
    ///   A capture damaged part-way is not an error: its records up to the damage
    ///   are written with a `truncated_capture_file` weird, and `Summary.damage` is set.
    public static func run(files: [String], options: Options) throws(OfflineAnalysisError) -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        // Open every file first so that a bad argument fails before any output.
        var readers: [PcapFileReader] = []
        for file in files {
            do {
                readers.append(try PcapFileReader(path: file))
            } catch {
                throw OfflineAnalysisError(message: Self.openMessage(file: file, error: error))
            }
        }
        var sinks = LogSinks(options: options, openTime: Self.wallTime())
        var pipeline = PacketPipeline(configuration: options.pipeline)
        var summary = Summary()
        summary.files = files.count
        var collected = RecordBatch()
        var lastProgress = start
        var lastTimestamp = NetworkTime.zero

        var engine = options.detection.map { DetectionEngine(configuration: $0) }

        func drain() throws(OfflineAnalysisError) {
            let batch = pipeline.drain()
            if batch.isEmpty { return }
            try sinks.write(batch)
            if options.collectRecords { collected.append(contentsOf: batch) }
            _ = engine?.ingest(batch, agent: options.agentName)
        }

        for reader in readers {
            let linkType = LinkType(rawValue: reader.linkType)
            var sinceDrain = 0
            var sinkError: OfflineAnalysisError?
            do {
                try reader.forEachPacket { frame, timestamp, wireLength in
                    pipeline.process(frame: frame, wireLength: wireLength, linkType: linkType, timestamp: timestamp)
                    summary.packets += 1
                    summary.bytes += UInt64(frame.count)
                    lastTimestamp = timestamp
                    sinceDrain += 1
                    if sinceDrain >= options.drainInterval {
                        sinceDrain = 0
                        do { try drain() } catch {
                            sinkError = error as? OfflineAnalysisError ?? OfflineAnalysisError(message: "\(error)")
                            throw error
                        }
                        if let progress = options.progress, lastProgress.duration(to: clock.now) >= options.progressInterval {
                            lastProgress = clock.now
                            progress(Progress(file: reader.path, packets: summary.packets, bytes: summary.bytes, elapsed: start.duration(to: lastProgress)))
                        }
                    }
                }
            } catch {
                if let sinkError { throw sinkError }
                let message = (error as? CaptureError)?.message ?? "\(error)"
                summary.damage = message
                pipeline.finish()
                try drain()
                var weird = RecordBatch()
                weird.weirds.append(WeirdRecord(ts: lastTimestamp, name: "truncated_capture_file", addl: message, source: "PCAP"))
                try sinks.write(weird)
                if options.collectRecords { collected.append(contentsOf: weird) }
                break
            }
        }
        pipeline.finish()
        try drain()
        try sinks.close(at: Self.wallTime())
        summary.rows = sinks.rows
        summary.filesWritten = sinks.filesWritten
        summary.statistics = pipeline.statistics
        summary.flows = summary.statistics.flows.flowsCreated
        summary.elapsed = start.duration(to: clock.now)
        summary.findingsEvicted = engine?.findingsEvicted ?? 0
        return Result(summary: summary, records: collected, findings: engine?.findings ?? [])
    }

    /// A one-line explanation of why `file` could not be opened.
    static func openMessage(file: String, error: CaptureError) -> String {
        if !FileManager.default.fileExists(atPath: file) {
            return "\(file): no such file"
        }
        // libpcap's text already names the file; keep it on one line.
        let text = error.message.replacingOccurrences(of: "\n", with: " ")
        return text.hasPrefix(file) ? text + " (not a pcap or pcapng capture?)" : "\(file): \(text)"
    }

    /// Wall-clock time for `#open`/`#close` (the pure writer takes it as a parameter).
    static func wallTime() -> NetworkTime {
        NetworkTime(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000))
    }
}

/// Why an offline analysis could not run: one line, ready for stderr.
public struct OfflineAnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

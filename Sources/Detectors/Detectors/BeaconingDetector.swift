public import FleetModel

/// RITA-style beacon detection: regular connection timing and sizes between one source and one destination.
///
/// - Inputs: final conn records (interim ones are skipped) from a non-external source to a destination that is
///   not benign in the ``NoiseModel`` nor allowlisted by CIDR or name (cloud services, VPC peers and allowlisted
///   hosts poll regularly by design).
/// - Window: per (agent, source, destination, port) the last `maxSamples` connection starts within `window`
///   (default 24 h).
/// - Evaluated when a pair has ≥ `minimumConnections` (default 20) in the window:
///   `tsScore = Statistics.regularityScore(intervals)` (Bowley skew and MAD/median of inter-connection gaps),
///   `dsScore = Statistics.regularityScore(originator bytes)`, `score = 0.6 tsScore + 0.4 dsScore`.
/// - Reported when `score ≥ threshold` (default 0.8); severity high when ≥ 0.95 and the destination is
///   unexplained by DNS, else medium.
/// - Key: agent + source + destination + port.
public struct BeaconingDetector: Detector {
    public static let name = "beaconing"

    public struct Configuration: Sendable, Hashable {
        public var window: NetworkDuration = .seconds(86_400)
        public var minimumConnections = 20
        public var maxSamples = 512
        public var threshold = 0.8
        /// Upper bound on tracked pairs (oldest dropped).
        public var maxPairs = 50_000
        public init() {}
    }

    struct Pair: Hashable, Sendable {
        var agent: String
        var source: IPAddress
        var destination: IPAddress
        var port: UInt16
    }

    struct Samples: Sendable {
        var starts: [NetworkTime] = []
        var sizes: [Double] = []
        var uids: [String] = []
        var lastID: ConnID
    }

    public var configuration: Configuration
    private var pairs: [Pair: Samples] = [:]

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public mutating func ingest(_ batch: RecordBatch, context: DetectionContext) -> [Finding] {
        var touched: Set<Pair> = []
        for conn in batch.conns where !conn.interim {
            guard context.classify(conn.id.originatorHost) != .external,
                !context.classify(conn.id.responderHost).isBenign,
                !context.isAllowlisted(destination: conn.id.responderHost, at: conn.ts)
            else { continue }
            let pair = Pair(
                agent: context.agentID, source: conn.id.originatorHost, destination: conn.id.responderHost,
                port: conn.id.responderPort)
            let horizon = NetworkTime(microseconds: context.now.microseconds &- configuration.window.microseconds)
            // Updated in place: a copy taken out and stored back copied the three sample lists per connection.
            Self.add(conn, horizon: horizon, maxSamples: configuration.maxSamples, to: &pairs[pair, default: Samples(lastID: conn.id)])
            touched.insert(pair)
        }
        if pairs.count > configuration.maxPairs {
            let ordered = pairs.sorted { ($0.value.starts.last ?? .zero) < ($1.value.starts.last ?? .zero) }
            for (pair, _) in ordered.prefix(pairs.count - configuration.maxPairs) { pairs[pair] = nil }
        }
        return touched.sorted { $0.destination < $1.destination }.compactMap { evaluate($0, context: context) }
    }

    private static func add(_ conn: ConnRecord, horizon: NetworkTime, maxSamples: Int, to samples: inout Samples) {
        samples.starts.append(conn.ts)
        samples.sizes.append(Double(conn.originatorBytes ?? 0))
        samples.uids.append(conn.uid)
        samples.lastID = conn.id
        while let first = samples.starts.first, first < horizon || samples.starts.count > maxSamples {
            samples.starts.removeFirst()
            samples.sizes.removeFirst()
            samples.uids.removeFirst()
        }
    }

    func evaluate(_ pair: Pair, context: DetectionContext) -> Finding? {
        guard let samples = pairs[pair], samples.starts.count >= configuration.minimumConnections,
            let first = samples.starts.min(), let last = samples.starts.max()
        else { return nil }
        let intervals = Statistics.intervals(samples.starts.map(\.seconds))
        let tsScore = Statistics.regularityScore(intervals)
        let dsScore = Statistics.regularityScore(samples.sizes)
        let score = 0.6 * tsScore + 0.4 * dsScore
        guard score >= configuration.threshold else { return nil }
        let explained = context.explains(pair.destination, at: last)
        let level: Severity = score >= 0.95 && !explained ? .high : .medium
        let period = Statistics.median(intervals)
        return Finding(
            detector: Self.name,
            key: "\(pair.agent)/\(pair.source)/\(pair.destination)/\(pair.port)",
            severity: level, score: score, agentID: pair.agent, host: pair.source, flows: [.init(samples.lastID, .tcp)],
            uids: Array(samples.uids.suffix(8)), firstSeen: first, lastSeen: last,
            indicators: .init(addresses: [pair.destination], domains: context.knownNames(for: pair.destination)),
            evidence: [
                .init("connections", String(samples.starts.count)),
                .init("median_interval_s", String((period * 10).rounded() / 10)),
                .init("ts_score", String(Double(Int(tsScore * 1000)) / 1000)),
                .init("ds_score", String(Double(Int(dsScore * 1000)) / 1000)),
                .init("dns_explained", explained ? "true" : "false"),
            ],
            summary: "\(pair.source) beacons to \(pair.destination):\(pair.port) every ~\(Int(period.rounded())) s "
                + "(\(samples.starts.count) connections)")
    }
}

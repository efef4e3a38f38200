public import FleetModel

/// Runs every detector over record batches, incrementally, and keeps one merged finding per id.
///
/// Usage (offline, one capture): `var engine = DetectionEngine(configuration: .offline)`, then
/// `engine.ingest(batch, agent: "vm-1")` (time = newest record in the batch), read ``findings``.
/// Usage (aggregator): one engine owned by one task; call `ingest(batch, agent:, now:)` for each batch an agent
/// ships (per agent in time order), and `advance(to:)` on a timer with the aggregator's injected clock.
/// Both return the findings that are new or changed by that call (already merged with earlier observations).
///
/// Per batch, names (DNS answers, TLS SNI, HTTP Host) are indexed before connections are judged, so a
/// connection is explained by a lookup logged in the same batch.
///
/// Not thread-safe by itself (a value type): own it in one isolation domain.
public struct DetectionEngine: Sendable {
    /// Engine settings; every detector's configuration is nested here.
    public struct Configuration: Sendable {
        public var noise = NoiseModel()
        /// During the first `warmUp` of an agent's records, unexplained destinations are not alarms.
        /// `.zero` disables warm-up (offline analysis of a capture).
        public var warmUp: NetworkDuration = .seconds(300)
        /// Observations below this severity are dropped.
        public var minimumSeverity: Severity = .info
        /// At most this many findings are kept; past it some are dropped in ``evictionOrder``.
        public var maxFindings = 10_000
        /// Which findings go first at the `maxFindings` limit.
        public var evictionOrder = EvictionOrder.leastRecentlySeen
        public var dnsGrace: NetworkDuration = .seconds(300)
        public var longConnection = LongConnectionDetector.Configuration()
        public var unexplainedDirectIP = UnexplainedDirectIPDetector.Configuration()
        public var commandInjection = CommandInjectionDetector.Configuration()
        public var injectionCallback = InjectionCallbackDetector.Configuration()
        public var beaconing = BeaconingDetector.Configuration()
        public var dnsTunnelling = DNSTunnellingDetector.Configuration()
        public var firstSeen = FirstSeenDestinationDetector.Configuration()

        public init() {}

        /// Defaults for analysing one capture: no warm-up, and room for the findings of a large capture
        /// (they are the output; an aggregator's engine keeps fewer, having stored the rest). 250 000
        /// findings take about 500 MB; the 1 M-packet benchmark mix has 44 764.
        public static var offline: Configuration {
            var configuration = Configuration()
            configuration.warmUp = .zero
            configuration.maxFindings = 250_000
            // The kept findings are the whole output: at the limit the least severe go first.
            configuration.evictionOrder = .leastSevere
            return configuration
        }
    }

    /// The order in which findings are dropped at ``Configuration/maxFindings``.
    public enum EvictionOrder: Sendable {
        /// The least recently seen first (lowest severity first among equals): an aggregator's
        /// engine, whose findings are already stored, keeps what is still active.
        case leastRecentlySeen
        /// The lowest severity first (least recently seen first among equals): offline analysis,
        /// whose kept findings are its output, keeps the most severe.
        case leastSevere
    }

    public private(set) var configuration: Configuration
    public private(set) var names: DNSAnswerIndex
    private var agentFirstSeen: [String: NetworkTime] = [:]
    private var stored: [String: Finding] = [:]
    /// Findings dropped from ``findings`` at the `maxFindings` limit (in the configured ``EvictionOrder``).
    public private(set) var findingsEvicted = 0
    private var clock: NetworkTime = .zero

    private var longConnection: LongConnectionDetector
    private var unexplained: UnexplainedDirectIPDetector
    private var injection: CommandInjectionDetector
    private var callback: InjectionCallbackDetector
    private var beaconing: BeaconingDetector
    private var tunnelling: DNSTunnellingDetector
    private var firstSeen: FirstSeenDestinationDetector

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        names = DNSAnswerIndex(grace: configuration.dnsGrace)
        longConnection = LongConnectionDetector(configuration: configuration.longConnection)
        unexplained = UnexplainedDirectIPDetector(configuration: configuration.unexplainedDirectIP)
        injection = CommandInjectionDetector(configuration: configuration.commandInjection)
        callback = InjectionCallbackDetector(configuration: configuration.injectionCallback)
        beaconing = BeaconingDetector(configuration: configuration.beaconing)
        tunnelling = DNSTunnellingDetector(configuration: configuration.dnsTunnelling)
        firstSeen = FirstSeenDestinationDetector(configuration: configuration.firstSeen)
    }

    /// All current findings, most severe first, then by first-seen time and id.
    public var findings: [Finding] {
        // Positions are sorted, not the (large) findings themselves.
        let values = Array(stored.values)
        return values.indices.sorted { a, b in
            (values[b].severity, values[a].firstSeen, values[a].id) < (values[a].severity, values[b].firstSeen, values[b].id)
        }.map { values[$0] }
    }

    /// The stored finding with `id`.
    public func finding(id: String) -> Finding? { stored[id] }

    /// The engine's notion of now: the latest time given to `ingest`/`advance` (or seen in records).
    public var now: NetworkTime { clock }

    /// Evaluates one batch of records from `agent`.
    /// - Parameters:
    ///   - now: the injected current time; nil uses the newest record time in the batch (offline replay).
    /// - Returns: findings created or changed by this batch, merged, in a stable order.
    public mutating func ingest(_ batch: RecordBatch, agent: String, now: NetworkTime? = nil) -> [Finding] {
        let batchTime = Self.latestTime(in: batch)
        clock = max(clock, now ?? batchTime ?? clock)
        let earliest = Self.earliestTime(in: batch) ?? clock
        let born = min(agentFirstSeen[agent] ?? earliest, earliest)
        agentFirstSeen[agent] = born
        index(batch, agent: agent)
        var context = DetectionContext(
            agentID: agent, now: clock, noise: configuration.noise, names: names,
            warmUpEnds: configuration.warmUp > .zero ? born + configuration.warmUp : nil)
        // Two detectors read the payload of every request: it is decoded and matched once.
        context.httpInspections = batch.http.map { CommandInjectionDetector.inspect($0) }
        var observations: [Finding] = []
        observations += injection.ingest(batch, context: context)
        observations += callback.ingest(batch, context: context)
        observations += longConnection.ingest(batch, context: context)
        observations += unexplained.ingest(batch, context: context)
        observations += beaconing.ingest(batch, context: context)
        observations += tunnelling.ingest(batch, context: context)
        observations += firstSeen.ingest(batch, context: context)
        return absorb(observations)
    }

    /// Replaces the noise model (fleet context changed, or the operator reloaded the noise file).
    /// Detector state is kept; later batches are judged with the new model.
    public mutating func updateNoise(_ noise: NoiseModel) {
        configuration.noise = noise
    }

    /// Tells the engine an agent has existed since `firstSeen` (e.g. from the aggregator's registry after a
    /// restart), so its warm-up is not started over. The earlier of this and its first record time counts.
    public mutating func noteAgent(_ agent: String, firstSeen: NetworkTime) {
        agentFirstSeen[agent] = min(agentFirstSeen[agent] ?? firstSeen, firstSeen)
    }

    /// Indexes the names in `batch` (DNS answers, TLS SNI, HTTP Host) without judging its connections:
    /// rebuilds the fleet-wide ``DNSAnswerIndex`` from stored records after a restart. Entries that are
    /// expired at the engine's current time are pruned on the next ``advance(to:)``.
    public mutating func learnNames(_ batch: RecordBatch, agent: String) {
        index(batch, agent: agent)
    }

    /// Moves time forward without records: ages detector state and the name index.
    public mutating func advance(to now: NetworkTime) -> [Finding] {
        clock = max(clock, now)
        names.prune(now: clock)
        var observations: [Finding] = []
        observations += callback.advance(to: clock)
        observations += beaconing.advance(to: clock)
        return absorb(observations)
    }

    mutating func index(_ batch: RecordBatch, agent: String) {
        for record in batch.dns { names.add(record, agent: agent) }
        for record in batch.ssl {
            if let sni = record.serverName, !sni.isEmpty {
                names.add(
                    name: sni, for: record.id.responderHost, ttl: names.observedNameTTL, at: record.ts,
                    agent: agent, source: .sni)
            }
        }
        for record in batch.http {
            if let host = record.host, !host.isEmpty, IPAddress(Self.stripPort(host)) == nil {
                names.add(
                    name: Self.stripPort(host), for: record.id.responderHost, ttl: names.observedNameTTL,
                    at: record.ts, agent: agent, source: .httpHost)
            }
        }
    }

    mutating func absorb(_ observations: [Finding]) -> [Finding] {
        var changedIDs: [String] = []
        for observation in observations where observation.severity >= configuration.minimumSeverity {
            if let index = stored.index(forKey: observation.id) {
                // Merged where it is stored (a copy taken out and written back copied its lists).
                if stored.values[index].merge(observation) { changedIDs.append(observation.id) }
            } else {
                stored[observation.id] = observation
                changedIDs.append(observation.id)
            }
        }
        if stored.count > configuration.maxFindings {
            // Evict down to 90 % so the sort is amortised over many inserts; the sort moves keys,
            // not whole findings.
            let target = configuration.maxFindings - configuration.maxFindings / 10
            let keys = stored.values.map { (lastSeen: $0.lastSeen, severity: $0.severity, id: $0.id) }
            let ordered: [(lastSeen: NetworkTime, severity: Severity, id: String)]
            switch configuration.evictionOrder {
            case .leastRecentlySeen: ordered = keys.sorted { ($0.lastSeen, $0.severity) < ($1.lastSeen, $1.severity) }
            case .leastSevere: ordered = keys.sorted { ($0.severity, $0.lastSeen) < ($1.severity, $1.lastSeen) }
            }
            let excess = stored.count - target
            for key in ordered.prefix(excess) { stored[key.id] = nil }
            findingsEvicted += excess
        }
        var seen: Set<String> = []
        return changedIDs.filter { seen.insert($0).inserted }.compactMap { stored[$0] }
    }

    static func stripPort(_ host: String) -> String {
        if host.hasPrefix("[") { return String(host.dropFirst().prefix { $0 != "]" }) }
        if host.filter({ $0 == ":" }).count == 1 { return String(host.prefix { $0 != ":" }) }
        return host
    }

    static func latestTime(in batch: RecordBatch) -> NetworkTime? {
        let times =
            batch.conns.map { $0.ts + ($0.duration ?? .zero) } + batch.dns.map(\.ts) + batch.http.map(\.ts)
            + batch.ssl.map(\.ts)
        return times.max()
    }

    static func earliestTime(in batch: RecordBatch) -> NetworkTime? {
        (batch.conns.map(\.ts) + batch.dns.map(\.ts) + batch.http.map(\.ts) + batch.ssl.map(\.ts)).min()
    }
}

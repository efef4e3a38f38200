public import FleetModel

/// What a detector may consult besides the records: shared, read-only during one ingest call.
public struct DetectionContext: Sendable {
    /// Agent whose batch is being evaluated.
    public var agentID: String
    /// Injected current time (packet time); never the wall clock.
    public var now: NetworkTime
    public var noise: NoiseModel
    public var names: DNSAnswerIndex
    /// End of the agent's warm-up period (nil: no warm-up). Before it, unexplained destinations are not alarms.
    public var warmUpEnds: NetworkTime?
    /// `CommandInjectionDetector.inspect` of each of the batch's HTTP records (same order, headers
    /// included), when the engine computed them once for every detector that needs them.
    public var httpInspections: [(match: PayloadMatch, field: String)?]?

    public init(
        agentID: String, now: NetworkTime, noise: NoiseModel, names: DNSAnswerIndex, warmUpEnds: NetworkTime?
    ) {
        self.agentID = agentID
        self.now = now
        self.noise = noise
        self.names = names
        self.warmUpEnds = warmUpEnds
    }

    /// Whether a record at `time` falls in the agent's warm-up period.
    public func isWarmingUp(at time: NetworkTime) -> Bool { warmUpEnds.map { time < $0 } ?? false }

    /// Classifies `address` for this agent.
    public func classify(_ address: IPAddress) -> AddressClass { noise.classify(address, agent: agentID) }

    /// True when `address` is allowlisted by CIDR, or a name recently seen for it (DNS, SNI, Host) is under an
    /// allowlisted domain suffix or SNI name.
    public func isAllowlisted(destination address: IPAddress, at time: NetworkTime) -> Bool {
        if noise.isAllowlisted(address, agent: agentID) { return true }
        guard let name = nameExplanation(for: address, at: time)?.name else { return false }
        return noise.isAllowlisted(sni: name, agent: agentID)
    }

    /// Whether a name another agent saw may speak for `address` here. Public addresses are the same host
    /// fleet-wide. A private address is only meaningful inside its own VPC, and two VPCs often use the same
    /// CIDR (the same 10.0.0.5 in two VPCs is two hosts), so only names this agent saw itself count for it.
    public func accepts(_ entry: DNSAnswerIndex.Entry, for address: IPAddress) -> Bool {
        entry.agent == agentID || !CIDR.privateRanges.contains { $0.contains(address) }
    }

    /// The freshest name (DNS answer, SNI, Host) that explains a connection to `address` at `time` for this
    /// agent (fleet-wide for public addresses, see ``accepts(_:for:)``).
    public func nameExplanation(for address: IPAddress, at time: NetworkTime) -> DNSAnswerIndex.Entry? {
        names.explanation(for: address, at: time) { accepts($0, for: address) }
    }

    /// Whether some name explains a connection to `address` at `time` for this agent.
    public func explains(_ address: IPAddress, at time: NetworkTime) -> Bool {
        nameExplanation(for: address, at: time) != nil
    }

    /// Names still indexed for `address` that count for this agent.
    public func knownNames(for address: IPAddress) -> [String] {
        names.names(for: address) { accepts($0, for: address) }
    }

    /// True when `id` goes from one of the agent's hosts (or any non-external host) to an external address.
    public func isOutboundToExternal(_ id: ConnID) -> Bool {
        classify(id.responderHost) == .external && classify(id.originatorHost) != .external
    }
}

/// A detection: record batches in, findings out.
///
/// Detectors are value types owned by ``DetectionEngine``. `ingest` sees every batch of one agent, in time
/// order per agent; `advance` is called when time moves on without records (to age out windows). Returned
/// findings are observations: the engine merges those with the same id into one stored finding.
public protocol Detector: Sendable {
    /// Stable detector name, used as the first part of finding ids.
    static var name: String { get }
    /// Evaluates one batch of one agent.
    mutating func ingest(_ batch: RecordBatch, context: DetectionContext) -> [Finding]
    /// Ages state out; may emit findings that only time reveals. Default: nothing.
    mutating func advance(to now: NetworkTime) -> [Finding]
}

extension Detector {
    public mutating func advance(to now: NetworkTime) -> [Finding] { [] }
}

/// Ports where a long-lived or direct connection is ordinary (for scoring "non-standard port").
public enum WellKnownPorts {
    public static let standard: Set<UInt16> = [22, 25, 53, 80, 123, 443, 465, 587, 853, 993, 995, 3478, 5228, 8443]
    public static func isStandard(_ port: UInt16) -> Bool { standard.contains(port) }
}

/// Fleet-wide count of agents that contacted each external destination (bounded).
public struct DestinationPrevalence: Sendable {
    private var agentsByDestination: [IPAddress: Set<String>] = [:]
    private var agents: Set<String> = []
    public var capacity: Int

    public init(capacity: Int = 100_000) { self.capacity = max(1, capacity) }

    /// Records that `agent` contacted `destination`. Returns true when this agent had not before.
    @discardableResult
    public mutating func record(agent: String, destination: IPAddress) -> Bool {
        agents.insert(agent)
        if agentsByDestination[destination] == nil, agentsByDestination.count >= capacity {
            // Bounded: forget an arbitrary destination (rare; capacity is sized for a fleet's working set).
            if let victim = agentsByDestination.keys.first { agentsByDestination[victim] = nil }
        }
        return agentsByDestination[destination, default: []].insert(agent).inserted
    }

    public mutating func register(agent: String) { agents.insert(agent) }

    /// Agents that contacted `destination`.
    public func count(_ destination: IPAddress) -> Int { agentsByDestination[destination]?.count ?? 0 }
    public func hasSeen(agent: String, destination: IPAddress) -> Bool {
        agentsByDestination[destination]?.contains(agent) ?? false
    }
    public var agentCount: Int { agents.count }
}

/// Maps a 0...1 score to a severity with the given lower bounds for low/medium/high/critical.
func severity(
    for score: Double, low: Double = 0.25, medium: Double = 0.5, high: Double = 0.75,
    critical: Double = 1.01
) -> Severity {
    if score >= critical { return .critical }
    if score >= high { return .high }
    if score >= medium { return .medium }
    if score >= low { return .low }
    return .info
}

extension ConnRecord {
    /// Text form `orig:port -> resp:port/proto` for summaries.
    var flowText: String {
        "\(id.originatorHost):\(id.originatorPort) -> \(id.responderHost):\(id.responderPort)/\(proto.rawValue)"
    }
}

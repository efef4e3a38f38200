/// How urgent a finding is, from `info` (context only) to `critical` (act now).
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    /// 0 (`info`) ... 4 (`critical`).
    public var rank: Int {
        switch self {
        case .info: return 0
        case .low: return 1
        case .medium: return 2
        case .high: return 3
        case .critical: return 4
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One detection result: a suspicious thing a detector saw, with its evidence.
///
/// `id` is derived from the detector and a detector-chosen key (`"<detector>:<key>"`), so evaluating
/// the same situation again yields the same id: the new observation is ``merge(_:)``d into the stored
/// finding instead of creating a duplicate. Lists are bounded (``maxListCount``) so a finding that is
/// updated for days does not grow without limit.
public struct Finding: Sendable, Hashable, Codable, Identifiable {
    /// One piece of evidence, kept as an ordered key/value list for stable output.
    public struct Evidence: Sendable, Hashable, Codable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Observable indicators (IOCs) a responder can search or block on.
    public struct Indicators: Sendable, Hashable, Codable {
        public var addresses: [IPAddress]
        public var domains: [String]
        public var uris: [String]
        public init(addresses: [IPAddress] = [], domains: [String] = [], uris: [String] = []) {
            self.addresses = addresses
            self.domains = domains
            self.uris = uris
        }
    }

    /// A connection's 5-tuple: endpoints plus transport protocol.
    public struct Flow: Sendable, Hashable, Codable {
        public var id: ConnID
        public var proto: TransportProtocol
        public init(_ id: ConnID, _ proto: TransportProtocol) {
            self.id = id
            self.proto = proto
        }
    }

    /// Upper bound for every list a finding carries (flows, uids, indicators).
    public static let maxListCount = 32

    /// Stable identity: `"<detector>:<key>"`.
    public var id: String
    /// Detector name, e.g. `injection-callback`.
    public var detector: String
    public var severity: Severity
    /// Detector score in 0...1 (higher is more suspicious).
    public var score: Double
    /// Agent whose records produced the finding.
    public var agentID: String
    /// The fleet host the finding is about (the victim / monitored side), when known.
    public var host: IPAddress?
    /// Connections involved (5-tuples).
    public var flows: [Flow]
    /// Zeek uids of the involved connections.
    public var uids: [String]
    public var firstSeen: NetworkTime
    public var lastSeen: NetworkTime
    public var indicators: Indicators
    public var evidence: [Evidence]
    /// One line for a human.
    public var summary: String
    /// 1 for a new finding, incremented by every merge that changed it.
    public var revision: Int

    public init(
        detector: String, key: String, severity: Severity, score: Double, agentID: String, host: IPAddress? = nil,
        flows: [Flow] = [], uids: [String] = [], firstSeen: NetworkTime, lastSeen: NetworkTime,
        indicators: Indicators = Indicators(), evidence: [Evidence] = [], summary: String
    ) {
        self.id = Finding.makeID(detector: detector, key: key)
        self.detector = detector
        self.severity = severity
        self.score = min(1, max(0, score))
        self.agentID = agentID
        self.host = host
        self.flows = Array(flows.prefix(Self.maxListCount))
        self.uids = Array(uids.prefix(Self.maxListCount))
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.indicators = indicators
        self.evidence = evidence
        self.summary = summary
        self.revision = 1
    }

    /// The id a finding of `detector` with `key` gets.
    public static func makeID(detector: String, key: String) -> String { detector + ":" + key }

    /// Value of the first evidence item named `key`.
    public func evidence(_ key: String) -> String? { evidence.first { $0.key == key }?.value }

    /// Sets (replaces or appends) one evidence item.
    public mutating func setEvidence(_ key: String, _ value: String) {
        if let index = evidence.firstIndex(where: { $0.key == key }) {
            evidence[index].value = value
        } else {
            evidence.append(Evidence(key, value))
        }
    }

    /// Folds a newer observation of the same finding into this one.
    ///
    /// Severity and score keep the maximum; times widen; lists are unioned (bounded, first kept);
    /// evidence items of `newer` replace same-named ones; the summary follows the higher severity
    /// (ties: the newer one). `revision` is incremented when anything changed.
    /// - Returns: whether this finding changed.
    @discardableResult
    public mutating func merge(_ newer: Finding) -> Bool {
        let before = self
        if newer.severity >= severity { summary = newer.summary }
        severity = max(severity, newer.severity)
        score = max(score, newer.score)
        if host == nil { host = newer.host }
        firstSeen = min(firstSeen, newer.firstSeen)
        lastSeen = max(lastSeen, newer.lastSeen)
        Self.union(&flows, newer.flows)
        Self.union(&uids, newer.uids)
        Self.union(&indicators.addresses, newer.indicators.addresses)
        Self.union(&indicators.domains, newer.indicators.domains)
        Self.union(&indicators.uris, newer.indicators.uris)
        for item in newer.evidence { setEvidence(item.key, item.value) }
        let changed = self != before
        if changed { revision = before.revision + 1 }
        return changed
    }

    private static func union<T: Equatable>(_ list: inout [T], _ more: [T]) {
        for item in more where list.count < maxListCount && !list.contains(item) {
            list.append(item)
        }
    }
}

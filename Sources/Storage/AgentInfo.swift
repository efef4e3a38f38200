public import FleetModel

/// What an agent says about itself when it connects (the registry's identity fields).
public struct AgentRegistration: Sendable, Hashable, Codable {
    /// The agent's id.
    public var id: AgentID
    /// The agent host's name.
    public var hostname: String
    /// The agent host's own addresses.
    public var addresses: [IPAddress]
    /// The VPC (or site) networks the agent watches; used to tell inside from outside.
    public var vpcCIDRs: [IPNetwork]
    /// Agent software version.
    public var version: String
    /// When the aggregator saw this registration.
    public var seenAt: NetworkTime

    /// Creates a registration.
    public init(
        id: AgentID, hostname: String, addresses: [IPAddress] = [], vpcCIDRs: [IPNetwork] = [],
        version: String, seenAt: NetworkTime
    ) {
        self.id = id
        self.hostname = hostname
        self.addresses = addresses
        self.vpcCIDRs = vpcCIDRs
        self.version = version
        self.seenAt = seenAt
    }
}

/// Totals the store keeps per agent, updated in the same transaction as each batch.
public struct AgentCounters: Sendable, Hashable, Codable {
    /// Sum of the packets reported by the agent's batches.
    public var packets: UInt64
    /// Sum of the drops reported by the agent's batches.
    public var drops: UInt64
    /// Batches stored.
    public var batches: UInt64
    /// Records stored.
    public var records: UInt64
    /// Duplicate batches acknowledged without storing.
    public var duplicateBatches: UInt64
    /// Sequence numbers skipped (sum of all gaps' sizes).
    public var missedBatches: UInt64

    /// Creates counters (zero by default).
    public init(
        packets: UInt64 = 0, drops: UInt64 = 0, batches: UInt64 = 0, records: UInt64 = 0,
        duplicateBatches: UInt64 = 0, missedBatches: UInt64 = 0
    ) {
        self.packets = packets
        self.drops = drops
        self.batches = batches
        self.records = records
        self.duplicateBatches = duplicateBatches
        self.missedBatches = missedBatches
    }
}

/// One agent in the registry.
///
/// An agent that sent batches before registering has an empty hostname and version until it registers.
public struct AgentInfo: Sendable, Hashable, Codable {
    /// The agent's id.
    public var id: AgentID
    /// Host name from the latest registration ("" before the first one).
    public var hostname: String
    /// Host addresses from the latest registration.
    public var addresses: [IPAddress]
    /// Watched networks from the latest registration.
    public var vpcCIDRs: [IPNetwork]
    /// Agent software version from the latest registration ("" before the first one).
    public var version: String
    /// Earliest registration or batch time seen.
    public var firstSeen: NetworkTime
    /// Latest registration or batch time seen.
    public var lastSeen: NetworkTime
    /// The last committed batch sequence number (0 before the first batch).
    public var lastSequence: UInt64
    /// Totals over the agent's batches.
    public var counters: AgentCounters

    /// Creates a registry entry.
    public init(
        id: AgentID, hostname: String, addresses: [IPAddress], vpcCIDRs: [IPNetwork], version: String,
        firstSeen: NetworkTime, lastSeen: NetworkTime, lastSequence: UInt64, counters: AgentCounters
    ) {
        self.id = id
        self.hostname = hostname
        self.addresses = addresses
        self.vpcCIDRs = vpcCIDRs
        self.version = version
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.lastSequence = lastSequence
        self.counters = counters
    }
}

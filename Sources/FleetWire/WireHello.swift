public import FleetModel

/// The first message of a session: who the agent is and how it authenticates.
public struct WireHello: Sendable, Hashable {
    /// The protocol version this module speaks.
    public static let currentProtocolVersion: UInt32 = 1

    /// Wire protocol version the agent speaks (``currentProtocolVersion``).
    public var protocolVersion: UInt32
    /// Stable agent identity (the aggregator keys sequences by it).
    public var agentID: String
    /// Shared secret or bearer token, checked before anything else.
    public var token: String
    /// Host name of the machine the agent runs on.
    public var hostname: String
    /// Agent software version.
    public var agentVersion: String
    /// `aws`, `gcp`, `azure`, ... when the agent runs in a cloud.
    public var cloudProvider: String?
    /// Cloud instance id, when known.
    public var instanceID: String?
    /// Addresses of the monitored interfaces.
    public var interfaceAddresses: [IPAddress]
    /// Networks the agent treats as local (VPC CIDRs).
    public var vpcCIDRs: [WireCIDR]
    /// The sequence number the agent would give its next new batch (0 = unknown). When the
    /// aggregator has already committed it, the agent lost its spool and will renumber.
    public var nextSequence: UInt64

    /// Creates a hello; `protocolVersion` defaults to this module's version.
    public init(
        protocolVersion: UInt32 = WireHello.currentProtocolVersion, agentID: String, token: String,
        hostname: String, agentVersion: String, cloudProvider: String? = nil, instanceID: String? = nil,
        interfaceAddresses: [IPAddress] = [], vpcCIDRs: [WireCIDR] = [], nextSequence: UInt64 = 0
    ) {
        self.nextSequence = nextSequence
        self.protocolVersion = protocolVersion
        self.agentID = agentID
        self.token = token
        self.hostname = hostname
        self.agentVersion = agentVersion
        self.cloudProvider = cloudProvider
        self.instanceID = instanceID
        self.interfaceAddresses = interfaceAddresses
        self.vpcCIDRs = vpcCIDRs
    }
}

/// An address prefix such as `10.0.0.0/16`.
public struct WireCIDR: Sendable, Hashable {
    /// Network address (host bits are kept as given).
    public var address: IPAddress
    /// 0...32 for IPv4, 0...128 for IPv6 (checked when decoding).
    public var prefixLength: UInt8

    /// Creates a prefix.
    public init(address: IPAddress, prefixLength: UInt8) {
        self.address = address
        self.prefixLength = prefixLength
    }
}

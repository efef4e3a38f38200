public import FleetModel

/// The first message of a session: who the agent is and how it authenticates.
public struct WireHello: Sendable, Hashable {
    /// The protocol version this module speaks.
    public static let currentProtocolVersion: UInt32 = 1

    public var protocolVersion: UInt32
    public var agentID: String
    public var token: String
    public var hostname: String
    public var agentVersion: String
    /// `aws`, `gcp`, `azure`, ... when the agent runs in a cloud.
    public var cloudProvider: String?
    public var instanceID: String?
    /// Addresses of the monitored interfaces.
    public var interfaceAddresses: [IPAddress]
    /// Networks the agent treats as local (VPC CIDRs).
    public var vpcCIDRs: [WireCIDR]

    public init(
        protocolVersion: UInt32 = WireHello.currentProtocolVersion, agentID: String, token: String,
        hostname: String, agentVersion: String, cloudProvider: String? = nil, instanceID: String? = nil,
        interfaceAddresses: [IPAddress] = [], vpcCIDRs: [WireCIDR] = []
    ) {
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
    public var address: IPAddress
    /// 0...32 for IPv4, 0...128 for IPv6 (checked when decoding).
    public var prefixLength: UInt8

    public init(address: IPAddress, prefixLength: UInt8) {
        self.address = address
        self.prefixLength = prefixLength
    }
}

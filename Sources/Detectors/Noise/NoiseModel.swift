public import FleetModel

/// Where an address sits relative to an agent, as far as detectors care.
public enum AddressClass: Sendable, Hashable {
    /// A cloud provider service (metadata, resolver, time, ...); the payload names it.
    case cloudService(String)
    case linkLocal
    /// Loopback, multicast, broadcast, unspecified.
    case nonRoutable
    /// Inside one of the agent's own VPC CIDRs.
    case intraVPC
    /// A public address of a known fleet member.
    case fleetMember
    /// Matched an allowlist CIDR.
    case allowlisted
    /// Private address space outside the agent's VPC (another VPC, peering, on-prem).
    case otherPrivate
    /// Public internet.
    case external

    /// True for everything except `external` and `otherPrivate`: traffic that is expected background.
    public var isBenign: Bool {
        switch self {
        case .external, .otherPrivate: return false
        default: return true
        }
    }
}

/// Configurable description of expected traffic: cloud endpoints, VPCs, fleet members and allowlists.
///
/// Pure data plus lookups. Different VPCs are kept apart: an address is `intraVPC` only for an agent whose
/// own CIDRs contain it (two VPCs may both use `172.31.0.0/16`); fleet members are matched only by public
/// address for the same reason. The VPC resolver (`base+2` of each agent CIDR) is a cloud service.
public struct NoiseModel: Sendable, Hashable {
    /// A named cloud endpoint.
    public struct Endpoint: Sendable, Hashable {
        public var name: String
        public var cidr: CIDR
        public init(_ name: String, _ cidr: CIDR) {
            self.name = name
            self.cidr = cidr
        }
    }

    /// One allowlist rule; `agents == nil` applies fleet-wide.
    public struct AllowRule: Sendable, Hashable {
        public var cidrs: [CIDR]
        /// Domain suffixes (`example.com` matches `example.com` and `*.example.com`).
        public var domainSuffixes: [String]
        /// Exact TLS SNI names.
        public var sniNames: [String]
        public var agents: Set<String>?
        public init(
            cidrs: [CIDR] = [], domainSuffixes: [String] = [], sniNames: [String] = [],
            agents: Set<String>? = nil
        ) {
            self.cidrs = cidrs
            self.domainSuffixes = domainSuffixes.map { $0.lowercased() }
            self.sniNames = sniNames.map { $0.lowercased() }
            self.agents = agents
        }
        func applies(to agent: String) -> Bool { agents.map { $0.contains(agent) } ?? true }
    }

    public var cloudEndpoints: [Endpoint]
    /// Agent id -> its VPC (or subnet) CIDRs.
    public var vpcs: [String: [CIDR]]
    /// Public addresses of fleet members.
    public var fleetMembers: Set<IPAddress>
    public var allowlist: [AllowRule]
    /// Whether `base+2` of each agent CIDR counts as the VPC resolver.
    public var vpcResolverAtBasePlusTwo: Bool
    /// For an agent with no configured VPC, whether all private ranges count as its own network
    /// (`intraVPC`). True suits offline analysis of a capture without configuration.
    public var privateIsInternalWhenUnconfigured: Bool

    public init(
        cloudEndpoints: [Endpoint] = NoiseModel.defaultCloudEndpoints, vpcs: [String: [CIDR]] = [:],
        fleetMembers: Set<IPAddress> = [], allowlist: [AllowRule] = [], vpcResolverAtBasePlusTwo: Bool = true,
        privateIsInternalWhenUnconfigured: Bool = true
    ) {
        self.cloudEndpoints = cloudEndpoints
        self.vpcs = vpcs
        self.fleetMembers = fleetMembers
        self.allowlist = allowlist
        self.vpcResolverAtBasePlusTwo = vpcResolverAtBasePlusTwo
        self.privateIsInternalWhenUnconfigured = privateIsInternalWhenUnconfigured
    }

    /// AWS, GCP and Azure service addresses reachable from every VM (`169.254.169.254` is the metadata
    /// service of all three, and GCP's resolver and time source too).
    public static let defaultCloudEndpoints: [Endpoint] = [
        ("metadata", "169.254.169.254/32"), ("aws-imds", "fd00:ec2::254/128"),
        ("aws-dns", "169.254.169.253/32"), ("aws-dns", "fd00:ec2::253/128"),
        ("aws-time", "169.254.169.123/32"), ("aws-time", "fd00:ec2::123/128"),
        ("aws-ecs-credentials", "169.254.170.2/32"),
        ("gcp-metadata", "fd20:ce::254/128"), ("azure-wireserver", "168.63.129.16/32"),
    ].compactMap { name, text in CIDR(text).map { Endpoint(name, $0) } }

    /// Classifies `address` from the point of view of `agent`.
    public func classify(_ address: IPAddress, agent: String) -> AddressClass {
        if let endpoint = cloudEndpoints.first(where: { $0.cidr.contains(address) }) {
            return .cloudService(endpoint.name)
        }
        let own = ownNetworks(agent)
        if vpcResolverAtBasePlusTwo, vpcs[agent] != nil,
            own.contains(where: { $0.address(offset: 2) == address && $0.contains(address) })
        {
            return .cloudService("vpc-resolver")
        }
        if CIDR.linkLocal.contains(where: { $0.contains(address) }) { return .linkLocal }
        if CIDR.nonRoutable.contains(where: { $0.contains(address) }) { return .nonRoutable }
        if own.contains(where: { $0.contains(address) }) { return .intraVPC }
        if isAllowlisted(address, agent: agent) { return .allowlisted }
        if CIDR.privateRanges.contains(where: { $0.contains(address) }) { return .otherPrivate }
        if fleetMembers.contains(address) { return .fleetMember }
        return .external
    }

    /// Whether `address` is one of `agent`'s own hosts (inside its VPC CIDRs).
    public func isOwnHost(_ address: IPAddress, agent: String) -> Bool {
        ownNetworks(agent).contains { $0.contains(address) }
    }

    /// The agent's configured CIDRs, or all private ranges when unconfigured (see
    /// ``privateIsInternalWhenUnconfigured``).
    public func ownNetworks(_ agent: String) -> [CIDR] {
        if let configured = vpcs[agent] { return configured }
        return privateIsInternalWhenUnconfigured ? CIDR.privateRanges : []
    }

    public func isAllowlisted(_ address: IPAddress, agent: String) -> Bool {
        allowlist.contains { $0.applies(to: agent) && $0.cidrs.contains { $0.contains(address) } }
    }

    /// Whether `name` falls under an allowlisted domain suffix for `agent`.
    public func isAllowlisted(domain name: String, agent: String) -> Bool {
        let lower = Self.normalize(name)
        return allowlist.contains { rule in
            rule.applies(to: agent) && rule.domainSuffixes.contains { lower == $0 || lower.hasSuffix("." + $0) }
        }
    }

    /// Whether `sni` is an allowlisted TLS server name for `agent`.
    public func isAllowlisted(sni: String, agent: String) -> Bool {
        let lower = Self.normalize(sni)
        return allowlist.contains { $0.applies(to: agent) && $0.sniNames.contains(lower) }
            || isAllowlisted(domain: lower, agent: agent)
    }

    static func normalize(_ name: String) -> String {
        var lower = name.lowercased()
        while lower.hasSuffix(".") { lower.removeLast() }
        return lower
    }
}

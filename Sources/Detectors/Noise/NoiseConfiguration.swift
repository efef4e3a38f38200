public import FleetModel

/// What the operator says about expected traffic (the aggregator's `--noise FILE`), merged with what
/// agents report about themselves into one ``NoiseModel``.
///
/// Text format, one directive per line; `#` starts a comment; `agents=a,b` limits a line to those agents:
/// ```
/// endpoint NAME CIDR                  # a cloud or metadata endpoint (added to the built-in list)
/// no-default-endpoints                # drop the built-in AWS/GCP/Azure endpoints
/// network CIDR [agents=a,b]           # also the agents' own network (added to the VPC CIDRs they report)
/// allow cidr CIDR [agents=a,b]        # allowlisted addresses
/// allow domain SUFFIX [agents=a,b]    # allowlisted names (the suffix and everything below it)
/// allow sni NAME [agents=a,b]         # allowlisted TLS server names
/// allowlist PATH [agents=a,b]         # a file of allowlist entries (read by the caller, see ``allowlistFiles``)
/// ```
/// An allowlist file has one entry per line: `cidr X`, `domain X`, `sni X`, or a bare address, CIDR or
/// domain, each optionally followed by `agents=…` (else the `allowlist` line's agents apply).
///
/// Pure: parsing works on text; reading files is the caller's job.
public struct NoiseConfiguration: Sendable, Hashable {
    /// A network that counts as some agents' own (`agents == nil`: every agent's).
    public struct Network: Sendable, Hashable {
        public var cidr: CIDR
        public var agents: Set<String>?
        public init(_ cidr: CIDR, agents: Set<String>? = nil) {
            self.cidr = cidr
            self.agents = agents
        }
        func applies(to agent: String) -> Bool { agents.map { $0.contains(agent) } ?? true }
    }

    /// An `allowlist PATH` line still to be read, with the agents its entries default to.
    public struct AllowlistFile: Sendable, Hashable {
        public var path: String
        public var agents: Set<String>?
    }

    /// Endpoints added to the built-in cloud endpoints.
    public var endpoints: [NoiseModel.Endpoint] = []
    /// Whether ``NoiseModel/defaultCloudEndpoints`` are kept.
    public var includeDefaultEndpoints = true
    /// Extra own networks.
    public var networks: [Network] = []
    /// Allowlist rules from the file and from the allowlist files read so far.
    public var allowlist: [NoiseModel.AllowRule] = []
    /// `allowlist PATH` lines, in order; the caller reads each and calls ``addAllowlist(_:source:agents:)``.
    public var allowlistFiles: [AllowlistFile] = []

    /// An empty configuration: built-in endpoints only.
    public init() {}

    /// Parses a noise file.
    /// - Parameter source: the file's name, for error messages.
    /// - Throws: ``NoiseConfigurationError`` naming the line of the first bad directive.
    public static func parse(_ text: String, source: String) throws(NoiseConfigurationError) -> NoiseConfiguration {
        var configuration = NoiseConfiguration()
        for (number, line) in Self.lines(text) {
            func fail(_ message: String) -> NoiseConfigurationError {
                NoiseConfigurationError(source: source, line: number, message: message)
            }
            var (words, agents) = try Self.split(line, fail: fail)
            guard !words.isEmpty else { throw fail("missing directive") }
            let directive = words.removeFirst()
            switch (directive, words.count) {
            case ("endpoint", 2):
                guard agents == nil else { throw fail("endpoint cannot be limited to agents") }
                guard let cidr = CIDR(words[1]) else { throw fail("not a CIDR: \(words[1])") }
                configuration.endpoints.append(.init(words[0], cidr))
            case ("no-default-endpoints", 0):
                configuration.includeDefaultEndpoints = false
            case ("network", 1):
                guard let cidr = CIDR(words[0]) else { throw fail("not a CIDR: \(words[0])") }
                configuration.networks.append(Network(cidr, agents: agents))
            case ("allow", 2):
                configuration.allowlist.append(try Self.rule(kind: words[0], value: words[1], agents: agents, fail: fail))
            case ("allowlist", 1):
                configuration.allowlistFiles.append(AllowlistFile(path: words[0], agents: agents))
            case ("endpoint", _), ("no-default-endpoints", _), ("network", _), ("allow", _), ("allowlist", _):
                throw fail("wrong number of arguments for \(directive)")
            default:
                throw fail("unknown directive \(directive)")
            }
        }
        return configuration
    }

    /// Adds the entries of an allowlist file.
    /// - Parameter agents: agents for entries without their own `agents=` (nil: fleet-wide).
    /// - Throws: ``NoiseConfigurationError`` naming the line of the first bad entry (nothing is added then).
    public mutating func addAllowlist(
        _ text: String, source: String, agents: Set<String>? = nil
    ) throws(NoiseConfigurationError) {
        var rules: [NoiseModel.AllowRule] = []
        for (number, line) in Self.lines(text) {
            func fail(_ message: String) -> NoiseConfigurationError {
                NoiseConfigurationError(source: source, line: number, message: message)
            }
            let (words, own) = try Self.split(line, fail: fail)
            switch words.count {
            case 1:
                let kind = CIDR(words[0]) != nil ? "cidr" : "domain"
                rules.append(try Self.rule(kind: kind, value: words[0], agents: own ?? agents, fail: fail))
            case 2:
                rules.append(try Self.rule(kind: words[0], value: words[1], agents: own ?? agents, fail: fail))
            default:
                throw fail("expected `cidr|domain|sni VALUE` or a bare value")
            }
        }
        allowlist += rules
    }

    /// The noise model for a fleet: the operator's settings plus each agent's reported networks and addresses.
    ///
    /// - An agent's own networks are the VPC CIDRs it reports plus the `network` lines that apply to it. An
    ///   agent with neither keeps the unconfigured default (all private ranges are its own), plus any
    ///   fleet-wide `network` lines.
    /// - Fleet members are the agents' addresses outside private, link-local and non-routable space (private
    ///   addresses are judged per agent VPC, so the same 10.0.0.5 in two VPCs stays two hosts).
    public func model(fleet: [FleetHost]) -> NoiseModel {
        var vpcs: [String: [CIDR]] = [:]
        var members: Set<IPAddress> = []
        let fleetWide = networks.filter { $0.agents == nil }.map(\.cidr)
        var agentIDs = Set(fleet.map(\.id))
        for network in networks { agentIDs.formUnion(network.agents ?? []) }
        let reported = Dictionary(fleet.map { ($0.id, $0.vpcCIDRs) }, uniquingKeysWith: { $1 })
        for agent in agentIDs {
            let own = (reported[agent] ?? []) + networks.filter { $0.agents?.contains(agent) ?? false }.map(\.cidr)
            if !own.isEmpty {
                vpcs[agent] = Self.unique(own + fleetWide)
            } else if !fleetWide.isEmpty {
                vpcs[agent] = Self.unique(CIDR.privateRanges + fleetWide)
            }
        }
        for host in fleet {
            for address in host.addresses
            where !(CIDR.privateRanges + CIDR.linkLocal + CIDR.nonRoutable).contains(where: { $0.contains(address) }) {
                members.insert(address)
            }
        }
        return NoiseModel(
            cloudEndpoints: (includeDefaultEndpoints ? NoiseModel.defaultCloudEndpoints : []) + endpoints,
            vpcs: vpcs, fleetMembers: members, allowlist: allowlist)
    }

    static func unique(_ cidrs: [CIDR]) -> [CIDR] {
        var seen: Set<CIDR> = []
        return cidrs.filter { seen.insert($0).inserted }
    }

    static func rule(
        kind: String, value: String, agents: Set<String>?, fail: (String) -> NoiseConfigurationError
    ) throws(NoiseConfigurationError) -> NoiseModel.AllowRule {
        switch kind {
        case "cidr":
            guard let cidr = CIDR(value) else { throw fail("not a CIDR: \(value)") }
            return .init(cidrs: [cidr], agents: agents)
        case "domain", "sni":
            var name = NoiseModel.normalize(value)
            while name.hasPrefix("*.") || name.hasPrefix(".") { name.removeFirst(name.hasPrefix(".") ? 1 : 2) }
            guard !name.isEmpty, name.utf8.count <= 253,
                name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0) })
            else { throw fail("not a \(kind) name: \(value)") }
            return kind == "sni" ? .init(sniNames: [name], agents: agents) : .init(domainSuffixes: [name], agents: agents)
        default:
            throw fail("unknown allowlist kind \(kind) (cidr, domain or sni)")
        }
    }

    /// Non-empty lines without comments, with their 1-based numbers.
    static func lines(_ text: String) -> [(Int, Substring)] {
        var result: [(Int, Substring)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.prefix { $0 != "#" }
            if line.contains(where: { !$0.isWhitespace }) { result.append((index + 1, line)) }
        }
        return result
    }

    /// Words of a line and its `agents=` list (removed from the words).
    static func split(
        _ line: Substring, fail: (String) -> NoiseConfigurationError
    ) throws(NoiseConfigurationError) -> ([String], Set<String>?) {
        var words: [String] = []
        var agents: Set<String>?
        for word in line.split(whereSeparator: { $0.isWhitespace }) {
            if word.hasPrefix("agents=") {
                guard agents == nil else { throw fail("agents= given twice") }
                let names = word.dropFirst("agents=".count).split(separator: ",").map(String.init)
                guard !names.isEmpty else { throw fail("empty agents= list") }
                agents = Set(names)
            } else {
                words.append(String(word))
            }
        }
        return (words, agents)
    }
}

/// One agent as the fleet context sees it (from its hello, kept in the aggregator's registry).
public struct FleetHost: Sendable, Hashable {
    public var id: String
    /// The host's own addresses.
    public var addresses: [IPAddress]
    /// The VPC (or site) networks it reports.
    public var vpcCIDRs: [CIDR]
    public init(id: String, addresses: [IPAddress] = [], vpcCIDRs: [CIDR] = []) {
        self.id = id
        self.addresses = addresses
        self.vpcCIDRs = vpcCIDRs
    }
}

/// A noise or allowlist file line that could not be understood.
public struct NoiseConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (as given to the parser).
    public var source: String
    /// 1-based line number.
    public var line: Int
    public var message: String
    public var description: String { "\(source):\(line): \(message)" }
}

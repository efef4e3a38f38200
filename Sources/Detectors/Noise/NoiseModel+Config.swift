public import FleetModel

/// A line of a noise configuration that could not be understood.
public struct NoiseConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var message: String
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
    public var description: String { "line \(line): \(message)" }
}

extension NoiseModel {
    /// Most directives one configuration may hold (bounds memory on a hostile file).
    public static let maxConfigDirectives = 100_000

    /// Builds a noise model from its text form: one directive per line, `#` starts a comment.
    ///
    /// ```
    /// endpoint metadata 169.254.42.254      # a cloud service endpoint, added to the built-in ones
    /// no-default-endpoints                  # drop the built-in AWS/GCP/Azure endpoints
    /// vpc 172.31.0.0/16                     # a VPC CIDR of `defaultAgents`
    /// vpc 10.1.0.0/16 agent=vm-1,vm-2       # ... or of the named agents
    /// fleet-member 52.1.2.3                 # a public address of a fleet member
    /// allow-cidr 203.0.113.10/32 agent=vm-1 # allowlists, optionally scoped to agents
    /// allow-domain corp.example
    /// allow-sni api.vendor.example
    /// vpc-resolver off                      # base+2 of each VPC is not the resolver (default on)
    /// private-internal off                  # unconfigured agents: private ranges are not their own (default on)
    /// ```
    ///
    /// - Parameter defaultAgents: agents a `vpc` line without `agent=` applies to (offline analysis: the one
    ///   agent name the capture stands for).
    /// - Throws: ``NoiseConfigError`` naming the first bad line.
    public init(config text: String, defaultAgents: [String]) throws(NoiseConfigError) {
        self.init()
        var extraEndpoints: [Endpoint] = []
        var keepDefaults = true
        var directives = 0
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let content = rawLine.prefix { $0 != "#" }
            var words = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let keyword = words.first else { continue }
            directives += 1
            guard directives <= Self.maxConfigDirectives else {
                throw NoiseConfigError(line: number, message: "more than \(Self.maxConfigDirectives) directives")
            }
            words.removeFirst()
            var agents: Set<String>?
            if let last = words.last, last.hasPrefix("agent=") {
                let names = last.dropFirst("agent=".count).split(separator: ",").map(String.init)
                guard !names.isEmpty else { throw NoiseConfigError(line: number, message: "agent= names no agent") }
                agents = Set(names)
                words.removeLast()
            }
            func one(_ what: String) throws(NoiseConfigError) -> String {
                guard words.count == 1 else {
                    throw NoiseConfigError(line: number, message: "\(keyword) takes one \(what)")
                }
                return words[0]
            }
            func cidr() throws(NoiseConfigError) -> CIDR {
                let word = try one("CIDR or address")
                guard let value = CIDR(word) else {
                    throw NoiseConfigError(line: number, message: "not a CIDR or address: \(word)")
                }
                return value
            }
            func toggle() throws(NoiseConfigError) -> Bool {
                switch try one("value (on or off)") {
                case "on", "true", "yes": return true
                case "off", "false", "no": return false
                case let other: throw NoiseConfigError(line: number, message: "expected on or off, not \(other)")
                }
            }
            func unscoped() throws(NoiseConfigError) {
                if agents != nil { throw NoiseConfigError(line: number, message: "\(keyword) takes no agent=") }
            }
            switch keyword {
            case "endpoint":
                try unscoped()
                guard words.count == 2, let value = CIDR(words[1]) else {
                    throw NoiseConfigError(line: number, message: "expected: endpoint NAME CIDR")
                }
                extraEndpoints.append(Endpoint(words[0], value))
            case "no-default-endpoints":
                try unscoped()
                guard words.isEmpty else { throw NoiseConfigError(line: number, message: "\(keyword) takes nothing") }
                keepDefaults = false
            case "vpc":
                let value = try cidr()
                let owners = agents.map { $0.sorted() } ?? defaultAgents
                guard !owners.isEmpty else { throw NoiseConfigError(line: number, message: "vpc needs agent=") }
                for agent in owners { vpcs[agent, default: []].append(value) }
            case "fleet-member":
                try unscoped()
                let word = try one("address")
                guard let address = IPAddress(word) else {
                    throw NoiseConfigError(line: number, message: "not an address: \(word)")
                }
                fleetMembers.insert(address)
            case "allow-cidr": allowlist.append(AllowRule(cidrs: [try cidr()], agents: agents))
            case "allow-domain": allowlist.append(AllowRule(domainSuffixes: [try one("domain")], agents: agents))
            case "allow-sni": allowlist.append(AllowRule(sniNames: [try one("name")], agents: agents))
            case "vpc-resolver":
                try unscoped()
                vpcResolverAtBasePlusTwo = try toggle()
            case "private-internal":
                try unscoped()
                privateIsInternalWhenUnconfigured = try toggle()
            default:
                throw NoiseConfigError(line: number, message: "unknown directive \(keyword)")
            }
        }
        cloudEndpoints = extraEndpoints + (keepDefaults ? Self.defaultCloudEndpoints : [])
    }
}

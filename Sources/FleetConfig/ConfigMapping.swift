import FleetModel
import Foundation
import Yams

/// One YAML mapping of a configuration file being decoded: typed getters that name the key in
/// every error, and ``finish()``, which rejects keys nobody asked for.
///
/// Each section of a configuration is a type with `init(from: inout ConfigMapping)` that reads
/// its keys and calls `finish()`; adding a section is one property, one such type and one
/// `section("name")` call in the parent.
struct ConfigMapping {
    /// Dotted path of this mapping ("" at the top).
    let path: String
    let line: Int?
    private var entries: [(key: String, node: Node)] = []
    private var used: Set<String> = []

    /// The mapping `node`, or an error naming `path` when it is not one.
    init(node: Node, path: String) throws(ConfigError) {
        self.path = path
        line = node.mark.map { $0.line }
        guard case .mapping(let mapping) = node else {
            throw ConfigError(key: path, "expected a mapping of keys to values", line: line)
        }
        var seen: Set<String> = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw ConfigError(key: path, "keys must be plain names", line: key.mark.map { $0.line })
            }
            let name = scalar.string
            guard seen.insert(name).inserted else {
                throw ConfigError(key: Self.join(path, name), "key appears twice", line: key.mark.map { $0.line })
            }
            entries.append((name, value))
        }
    }

    /// Parses a whole document; an empty document is an empty mapping.
    static func document(_ yaml: String) throws(ConfigError) -> ConfigMapping {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(key: "", "not valid YAML: \(Self.describe(error))")
        } catch {
            throw ConfigError(key: "", "not valid YAML: \(error)")
        }
        guard let root else { return try ConfigMapping(node: Node.mapping(Node.Mapping([])), path: "") }
        if case .scalar = root, root.null != nil {
            return try ConfigMapping(node: Node.mapping(Node.Mapping([])), path: "")
        }
        return try ConfigMapping(node: root, path: "")
    }

    /// Throws for every key that no getter asked for (the first one, in file order).
    func finish() throws(ConfigError) {
        for entry in entries where !used.contains(entry.key) {
            throw ConfigError(key: Self.join(path, entry.key), "unknown key", line: entry.node.mark.map { $0.line })
        }
    }

    // MARK: Getters. Each returns nil when the key is absent or null (`key:` or `key: null`).

    /// A nested mapping.
    mutating func section(_ key: String) throws(ConfigError) -> ConfigMapping? {
        guard let node = try value(key) else { return nil }
        return try ConfigMapping(node: node, path: Self.join(path, key))
    }

    /// A scalar's text.
    mutating func string(_ key: String) throws(ConfigError) -> String? {
        guard let node = try value(key) else { return nil }
        guard case .scalar(let scalar) = node else { throw error(key, node, "expected a single value") }
        guard !scalar.string.isEmpty else { throw error(key, node, "must not be empty") }
        return scalar.string
    }

    /// `true`/`false` (YAML 1.1 spellings such as `yes`/`no` too).
    mutating func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let node = try value(key) else { return nil }
        guard let value = node.bool else { throw error(key, node, "expected true or false, got \(Self.show(node))") }
        return value
    }

    /// An integer within `range`.
    mutating func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let node = try value(key) else { return nil }
        guard let value = node.int else { throw error(key, node, "expected an integer, got \(Self.show(node))") }
        guard range.contains(value) else {
            throw error(key, node, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    /// A duration: `500ms`, `5s`, `2m`, `1h`, or a bare number of seconds; within `range`.
    mutating func duration(_ key: String, in range: ClosedRange<Duration>) throws(ConfigError) -> Duration? {
        guard let node = try value(key) else { return nil }
        guard case .scalar(let scalar) = node, let value = ConfigValue.duration(scalar.string) else {
            throw error(key, node, "expected a duration such as 500ms, 5s, 2m or 1h, got \(Self.show(node))")
        }
        guard range.contains(value) else {
            throw error(key, node, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    /// A byte size: a number of bytes or one with a `KiB`, `MiB` or `GiB` suffix; within `range`.
    mutating func byteSize(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let node = try value(key) else { return nil }
        guard case .scalar(let scalar) = node, let value = ConfigValue.byteSize(scalar.string) else {
            throw error(key, node, "expected a size such as 1048576, 512KiB, 256MiB or 2GiB, got \(Self.show(node))")
        }
        guard range.contains(value) else {
            throw error(key, node, "must be between \(range.lowerBound) and \(range.upperBound) bytes, got \(value)")
        }
        return value
    }

    /// `HOST:PORT` (`[v6]:PORT` for IPv6).
    mutating func hostPort(_ key: String) throws(ConfigError) -> HostAndPort? {
        guard let node = try value(key) else { return nil }
        guard case .scalar(let scalar) = node, let value = HostAndPort(scalar.string) else {
            throw error(key, node, "expected HOST:PORT, got \(Self.show(node))")
        }
        return value
    }

    /// One or more `HOST:PORT` addresses: a single value, a comma-separated value, or a list of
    /// values. The list must not be empty or name an address twice.
    mutating func hostPorts(_ key: String) throws(ConfigError) -> [HostAndPort]? {
        guard let node = try value(key) else { return nil }
        var items: [(text: String, key: String, node: Node)] = []
        switch node {
        case .scalar(let scalar):
            for part in scalar.string.split(separator: ",", omittingEmptySubsequences: false) {
                items.append((String(part.trimmingCharacters(in: " ")), Self.join(path, key), node))
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() {
                guard case .scalar(let scalar) = item else {
                    throw ConfigError(
                        key: Self.join(path, key) + "[\(index)]", "expected HOST:PORT, got \(Self.show(item))",
                        line: item.mark.map { $0.line })
                }
                items.append((scalar.string, Self.join(path, key) + "[\(index)]", item))
            }
        default:
            throw error(key, node, "expected HOST:PORT or a list of them, got \(Self.show(node))")
        }
        guard !items.isEmpty else { throw error(key, node, "expected at least one HOST:PORT") }
        var addresses: [HostAndPort] = []
        for item in items {
            guard let address = HostAndPort(item.text) else {
                throw ConfigError(key: item.key, "expected HOST:PORT, got \"\(item.text)\"", line: item.node.mark.map { $0.line })
            }
            guard !addresses.contains(address) else {
                throw ConfigError(key: item.key, "\(address) is listed twice", line: item.node.mark.map { $0.line })
            }
            addresses.append(address)
        }
        return addresses
    }

    /// One of `choices`.
    mutating func choice(_ key: String, _ choices: [String]) throws(ConfigError) -> String? {
        guard let value = try string(key) else { return nil }
        guard choices.contains(value) else {
            throw ConfigError(
                key: Self.join(path, key), "expected one of \(choices.joined(separator: ", ")), got \"\(value)\"",
                line: line)
        }
        return value
    }

    /// A list of network prefixes such as `10.0.0.0/16`.
    mutating func networks(_ key: String) throws(ConfigError) -> [IPNetwork]? {
        guard let node = try value(key) else { return nil }
        guard case .sequence(let sequence) = node else { throw error(key, node, "expected a list of CIDRs") }
        var networks: [IPNetwork] = []
        for (index, item) in sequence.enumerated() {
            guard case .scalar(let scalar) = item, let network = IPNetwork(scalar.string) else {
                throw ConfigError(
                    key: Self.join(path, key) + "[\(index)]", "expected a CIDR such as 10.0.0.0/16, got \(Self.show(item))",
                    line: item.mark.map { $0.line })
            }
            networks.append(network)
        }
        return networks
    }

    /// A list of IP addresses such as `172.31.6.55`.
    mutating func addresses(_ key: String) throws(ConfigError) -> [IPAddress]? {
        guard let node = try value(key) else { return nil }
        guard case .sequence(let sequence) = node else { throw error(key, node, "expected a list of IP addresses") }
        var addresses: [IPAddress] = []
        for (index, item) in sequence.enumerated() {
            guard case .scalar(let scalar) = item, let address = IPAddress(scalar.string) else {
                throw ConfigError(
                    key: Self.join(path, key) + "[\(index)]", "expected an IP address such as 172.31.6.55, got \(Self.show(item))",
                    line: item.mark.map { $0.line })
            }
            addresses.append(address)
        }
        return addresses
    }

    // MARK: Helpers

    /// An error about this mapping's `key` (or about the mapping itself when nil).
    func failure(_ key: String?, _ message: String) -> ConfigError {
        ConfigError(key: key.map { Self.join(path, $0) } ?? path, message, line: line)
    }

    private mutating func value(_ key: String) throws(ConfigError) -> Node? {
        used.insert(key)
        guard let node = entries.first(where: { $0.key == key })?.node else { return nil }
        if case .alias = node { throw error(key, node, "YAML aliases are not supported here") }
        if case .scalar(let scalar) = node, scalar.style == .plain, node.null != nil { return nil }
        return node
    }

    private func error(_ key: String, _ node: Node, _ message: String) -> ConfigError {
        ConfigError(key: Self.join(path, key), message, line: node.mark.map { $0.line })
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private static func show(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return "\"\(scalar.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        default:
            return "\(error)"
        }
    }
}

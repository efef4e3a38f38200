import Foundation

/// Where `fleetctl` finds the server and token: flags, then `FLEET_SERVER`/`FLEET_TOKEN`, then the
/// config file, then the default server (`127.0.0.1:7071`, no token).
///
/// The config file is `$FLEETCTL_CONFIG`, else `$XDG_CONFIG_HOME/fleetwatch/fleetctl.conf`, else
/// `~/.config/fleetwatch/fleetctl.conf`. It holds `key = value` (or YAML-style `key: value`) lines;
/// `#` starts a comment; keys are `server` and `token`.
public struct ClientConfiguration: Sendable, Hashable {
    /// The API address.
    public var endpoint: ServerEndpoint
    /// The bearer token, if any.
    public var token: String?

    /// A resolved configuration.
    public init(endpoint: ServerEndpoint, token: String?) {
        self.endpoint = endpoint
        self.token = token
    }

    /// Resolves flags, environment and config file.
    /// - Throws: ``FleetctlError`` for a bad server address or an unreadable or malformed config file.
    public static func resolve(
        server: String?, token: String?, environment: [String: String]
    ) throws(FleetctlError) -> ClientConfiguration {
        let file = try fileValues(environment: environment)
        let serverText = server ?? environment["FLEET_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? file["server"]
        let endpoint = try serverText.map { text throws(FleetctlError) in try ServerEndpoint(parsing: text) }
            ?? ServerEndpoint.defaultEndpoint
        let resolvedToken = token ?? environment["FLEET_TOKEN"].flatMap { $0.isEmpty ? nil : $0 } ?? file["token"]
        return ClientConfiguration(endpoint: endpoint, token: resolvedToken)
    }

    /// The config file's path for `environment`.
    public static func configPath(environment: [String: String]) -> String? {
        if let path = environment["FLEETCTL_CONFIG"], !path.isEmpty { return path }
        if let base = environment["XDG_CONFIG_HOME"], !base.isEmpty { return base + "/fleetwatch/fleetctl.conf" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/fleetwatch/fleetctl.conf" }
        return nil
    }

    static func fileValues(environment: [String: String]) throws(FleetctlError) -> [String: String] {
        guard let path = configPath(environment: environment), FileManager.default.fileExists(atPath: path) else {
            return [:]
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw FleetctlError("cannot read config file \(path)")
        }
        return try parse(text, path: path)
    }

    /// Parses config text.
    static func parse(_ text: String, path: String) throws(FleetctlError) -> [String: String] {
        var values: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine).trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw FleetctlError("\(path):\(number + 1): expected key = value", exitCode: 2)
            }
            let key = String(line[..<separator]).trimmingWhitespace
            var value = String(line[line.index(after: separator)...]).trimmingWhitespace
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            guard key == "server" || key == "token" else {
                throw FleetctlError("\(path):\(number + 1): unknown key \(key) (expected server or token)", exitCode: 2)
            }
            values[key] = value
        }
        return values
    }
}

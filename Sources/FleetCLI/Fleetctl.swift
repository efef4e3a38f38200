public import ArgumentParser

/// `fleetctl`: the analyst's command-line tool.
public struct Fleetctl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fleetctl",
        abstract: "Query a Fleetwatch fleet, or analyze captures offline.",
        subcommands: [Anomalies.self, Conn.self, DNS.self, HTTP.self, SSL.self, Agents.self, Analyze.self]
    )

    public init() {}
}

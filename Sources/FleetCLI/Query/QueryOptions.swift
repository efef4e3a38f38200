public import ArgumentParser
import FleetModel
import Storage

/// `--server`, `--token` and `-o`, shared by every query command.
public struct ConnectionOptions: ParsableArguments {
    @Option(help: "Aggregator query API, HOST:PORT (else $FLEET_SERVER, the config file, 127.0.0.1:7071).")
    public var server: String?

    @Option(help: "API bearer token (else $FLEET_TOKEN or the config file).")
    public var token: String?

    @Option(name: [.customShort("o"), .long], help: "Output: table (default), json (JSON lines) or zeek (Zeek TSV).")
    public var output: QueryOutputFormat = .table

    public init() {}
}

/// The time window and filters every record and anomaly query takes.
public struct WindowOptions: ParsableArguments {
    @Option(help: "Start: a duration back from now (90s, 15m, 1h, 7d), an RFC 3339 time or epoch seconds.")
    public var since: String?

    @Option(help: "End (exclusive), in the same forms as --since.")
    public var until: String?

    @Option(help: "Only this agent's records.")
    public var agent: String?

    @Option(help: "Only records with this address or CIDR on either side.")
    public var host: String?

    @Option(help: "At most this many results (the server's default when not given: 10000 records, 1000 anomalies).")
    public var limit: Int?

    public init() {}

    /// The query parameters these options stand for; times are sent as epoch seconds.
    /// - Throws: ``FleetctlError`` (exit 2) for a bad time, address or limit.
    func parameters(now: NetworkTime) throws(FleetctlError) -> [(String, String)] {
        var parameters: [(String, String)] = []
        for (name, value) in [("since", since), ("until", until)] {
            guard let value else { continue }
            do {
                let time = try QueryTime.parse(value, now: now)
                parameters.append((name, QueryRequest.epochText(time)))
            } catch {
                throw FleetctlError("--\(name): \(error)", exitCode: 2)
            }
        }
        if let agent { parameters.append(("agent", agent)) }
        if let host {
            guard IPNetwork(host) != nil else { throw FleetctlError("--host \(host): not an address or CIDR", exitCode: 2) }
            parameters.append(("host", host))
        }
        if let limit {
            guard limit >= 1 else { throw FleetctlError("--limit must be at least 1", exitCode: 2) }
            parameters.append(("limit", String(limit)))
        }
        return parameters
    }
}

public import ArgumentParser

extension Fleetctl {
    /// `fleetctl anomalies`: the detectors' findings, most severe first.
    public struct Anomalies: QueryCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Findings of the aggregator's detectors, most severe first.",
            discussion: "Example: fleetctl anomalies --since 1h --severity high")
        static public let kind = QueryKind.anomalies

        @OptionGroup public var connection: ConnectionOptions
        @OptionGroup public var window: WindowOptions
        @Option(help: "Minimum severity: info, low, medium, high or critical.") public var severity: String?
        @Option(help: "Only this detector's findings.") public var detector: String?

        public init() {}

        public func parameters(context: QueryContext) throws(FleetctlError) -> [(String, String)] {
            var parameters = try window.parameters(now: context.now())
            if let severity { parameters.append(("severity", severity)) }
            if let detector { parameters.append(("detector", detector)) }
            return parameters
        }
    }

    /// `fleetctl agents`: the fleet's agents and their health.
    public struct Agents: QueryCommand {
        public static let configuration = CommandConfiguration(
            abstract: "The fleet's agents: last seen, version, records, drops, missed batches.")
        static public let kind = QueryKind.agents

        @OptionGroup public var connection: ConnectionOptions
        @Option(help: "Only this agent.") public var agent: String?

        public init() {}

        public func parameters(context: QueryContext) throws(FleetctlError) -> [(String, String)] {
            agent.map { [("agent", $0)] } ?? []
        }
    }
}

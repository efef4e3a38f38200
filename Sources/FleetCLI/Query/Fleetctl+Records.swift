public import ArgumentParser

extension Fleetctl {
    /// `fleetctl conn`: connections across the fleet.
    public struct Conn: QueryCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Connections (conn.log records) across the fleet.",
            discussion: "Example: fleetctl conn --since 1h --host 10.0.0.0/8 --min-duration 5m -o zeek | zeek-cut id.resp_h duration")
        static public let kind = QueryKind.conn

        @OptionGroup public var connection: ConnectionOptions
        @OptionGroup public var window: WindowOptions
        @Option(help: "Only connections with this port on either side.") public var port: Int?
        @Option(help: "Only this transport protocol: tcp, udp or icmp.") public var proto: String?
        @Option(help: "Only connections whose service list has this name (http, dns, ssl).") public var service: String?
        @Option(help: "Only connections lasting at least this long (30s, 5m, 1h).") public var minDuration: String?
        @Option(help: "Order: time (default), time_desc or duration (longest first).") public var sort: ConnSort?

        public init() {}

        public func parameters(context: QueryContext) throws(FleetctlError) -> [(String, String)] {
            var parameters = try window.parameters(now: context.now()) + portParameter(port)
            if let proto { parameters.append(("proto", proto)) }
            if let service { parameters.append(("service", service)) }
            if let minDuration { parameters.append(("min_duration", minDuration)) }
            if let sort { parameters.append(("sort", sort.rawValue)) }
            return parameters
        }
    }

    /// `fleetctl dns`: DNS queries across the fleet.
    public struct DNS: QueryCommand {
        public static let configuration = CommandConfiguration(
            commandName: "dns", abstract: "DNS queries (dns.log records) across the fleet.",
            discussion: "Example: fleetctl dns --since 1d --query example.com")
        static public let kind = QueryKind.dns

        @OptionGroup public var connection: ConnectionOptions
        @OptionGroup public var window: WindowOptions
        @Option(help: "Only queries for this name or names below it (example.com matches www.example.com).")
        public var query: String?
        @Option(help: "Only records with this port on either side.") public var port: Int?
        @Option(help: "Only this transport protocol: tcp or udp.") public var proto: String?
        @Option(help: "Order: time (default) or time_desc.") public var sort: TimeSort?

        public init() {}

        public func parameters(context: QueryContext) throws(FleetctlError) -> [(String, String)] {
            var parameters = try window.parameters(now: context.now()) + portParameter(port)
            if let query { parameters.append(("query", query)) }
            if let proto { parameters.append(("proto", proto)) }
            if let sort { parameters.append(("sort", sort.rawValue)) }
            return parameters
        }
    }

    /// `fleetctl http`: HTTP requests across the fleet.
    public struct HTTP: QueryCommand {
        public static let configuration = CommandConfiguration(
            commandName: "http", abstract: "HTTP requests (http.log records) across the fleet.",
            discussion: "Example: fleetctl http --since 1h --uri /wp-login")
        static public let kind = QueryKind.http

        @OptionGroup public var connection: ConnectionOptions
        @OptionGroup public var window: WindowOptions
        @Option(help: "Only requests whose URI contains this text.") public var uri: String?
        @Option(help: "Only records with this port on either side.") public var port: Int?
        @Option(help: "Order: time (default) or time_desc.") public var sort: TimeSort?

        public init() {}

        public func parameters(context: QueryContext) throws(FleetctlError) -> [(String, String)] {
            var parameters = try window.parameters(now: context.now()) + portParameter(port)
            if let uri { parameters.append(("uri", uri)) }
            if let sort { parameters.append(("sort", sort.rawValue)) }
            return parameters
        }
    }

    /// `fleetctl ssl`: TLS handshakes across the fleet.
    public struct SSL: QueryCommand {
        public static let configuration = CommandConfiguration(
            commandName: "ssl", abstract: "TLS handshakes (ssl.log records) across the fleet.")
        static public let kind = QueryKind.ssl

        @OptionGroup public var connection: ConnectionOptions
        @OptionGroup public var window: WindowOptions
        @Option(help: "Only records with this port on either side.") public var port: Int?
        @Option(help: "Order: time (default) or time_desc.") public var sort: TimeSort?

        public init() {}

        public func parameters(context: QueryContext) throws(FleetctlError) -> [(String, String)] {
            var parameters = try window.parameters(now: context.now()) + portParameter(port)
            if let sort { parameters.append(("sort", sort.rawValue)) }
            return parameters
        }
    }
}

import FleetModel

/// One aggregator the ``Shipper`` may deliver to: its ingest address and the name its TLS
/// certificate must carry.
public struct ShipperEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// Aggregator host (name or address; IPv6 without brackets).
    public var host: String
    /// Aggregator ingest port.
    public var port: Int
    /// Name checked against this aggregator's certificate (and sent as SNI) when
    /// ``ShipperTLS/serverHostname`` does not override it; nil: only an IP address SAN matching
    /// the connected address is accepted.
    public var serverHostname: String?

    /// Creates an endpoint whose TLS name is the host, unless the host is an IP address.
    public init(host: String, port: Int) {
        self.init(host: host, port: port, serverHostname: Self.defaultServerHostname(for: host))
    }

    /// Creates an endpoint with an explicit TLS name (nil: IP address SAN check only).
    public init(host: String, port: Int, serverHostname: String?) {
        self.host = host
        self.port = port
        self.serverHostname = serverHostname
    }

    /// `host` unless it is an IP address literal (then nil: the certificate's IP SAN is checked).
    public static func defaultServerHostname(for host: String) -> String? {
        IPAddress(host) == nil ? host : nil
    }

    /// `host:port`, bracketing IPv6 addresses.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

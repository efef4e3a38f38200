/// Transport protocol of a connection, as Zeek's `proto` enum.
public enum TransportProtocol: String, Sendable, Hashable, Codable {
    case tcp
    case udp
    case icmp
    case unknown = "unknown_transport"
}

/// The endpoints of a connection, originator first (Zeek's `conn_id`).
///
/// For ICMP, `originatorPort` is the ICMP type the originator sent and
/// `responderPort` the counterpart type (echo 8 -> 0) or the ICMP code.
public struct ConnID: Sendable, Hashable, Codable {
    public var originatorHost: IPAddress
    public var originatorPort: UInt16
    public var responderHost: IPAddress
    public var responderPort: UInt16

    @inlinable
    public init(originatorHost: IPAddress, originatorPort: UInt16, responderHost: IPAddress, responderPort: UInt16) {
        self.originatorHost = originatorHost
        self.originatorPort = originatorPort
        self.responderHost = responderHost
        self.responderPort = responderPort
    }
}

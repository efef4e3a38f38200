public import FleetModel

/// An IPv4 or IPv6 prefix (`10.0.0.0/8`, `fd00:ec2::/64`).
///
/// The stored address is masked to the prefix, so `10.1.2.3/8` equals `10.0.0.0/8`.
/// Detectors speak of CIDRs; the type is FleetModel's `IPNetwork`, shared with
/// the flow tracker's local networks and the store's host filters.
public typealias CIDR = IPNetwork

extension CIDR {
    /// RFC 1918, RFC 6598 (CGNAT) and IPv6 ULA: addresses that are never directly on the internet.
    public static let privateRanges: [CIDR] = [
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
        "fc00::/7",
    ].compactMap { CIDR($0) }
    /// IPv4 and IPv6 link-local.
    public static let linkLocal: [CIDR] = ["169.254.0.0/16", "fe80::/10"].compactMap { CIDR($0) }
    /// Loopback, unspecified, multicast and broadcast.
    public static let nonRoutable: [CIDR] = [
        "127.0.0.0/8", "0.0.0.0/8", "224.0.0.0/4", "255.255.255.255/32",
        "::1/128", "::/128", "ff00::/8",
    ].compactMap { CIDR($0) }
}

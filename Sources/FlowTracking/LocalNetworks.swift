public import FleetModel

/// Networks whose addresses count as local for conn.log `local_orig`/`local_resp`.
///
/// The default is Zeek's `Site::private_address_space` (private, loopback,
/// link-local, documentation and other special-purpose ranges), which Zeek
/// copies into `Site::local_nets`.
public struct LocalNetworks: Sendable, Hashable {
    public var prefixes: [IPNetwork]

    public init(prefixes: [IPNetwork]) {
        self.prefixes = prefixes
    }

    /// Zeek's private/special-purpose address space.
    public static let zeekDefault = LocalNetworks(prefixes: [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/24", "233.252.0.0/24", "239.0.0.0/8", "240.0.0.0/4",
        "255.255.255.255/32",
        "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
        "2002:a00::/24", "2002:7f00::/24", "2002:a9fe::/32", "2002:ac10::/28", "2002:c0a8::/32",
        "fc00::/7", "fe80::/10",
     ].compactMap { IPNetwork($0) })

    @inlinable
    public func contains(_ address: IPAddress) -> Bool {
        for prefix in prefixes where prefix.contains(address) { return true }
        return false
    }
}

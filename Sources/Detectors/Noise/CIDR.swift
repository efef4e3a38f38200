public import FleetModel

/// An IPv4 or IPv6 prefix (`10.0.0.0/8`, `fd00:ec2::/64`).
///
/// The stored address is masked to the prefix, so `10.1.2.3/8` equals `10.0.0.0/8`.
public struct CIDR: Sendable, Hashable, Codable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// Builds a prefix; returns nil when the length does not fit the family (0...32 or 0...128).
    public init?(address: IPAddress, prefixLength: Int) {
        switch address {
        case .v4(let value):
            guard (0...32).contains(prefixLength) else { return nil }
            self.address = .v4(value & Self.mask32(prefixLength))
        case .v6(let high, let low):
            guard (0...128).contains(prefixLength) else { return nil }
            let (mh, ml) = Self.mask128(prefixLength)
            self.address = .v6(high & mh, low & ml)
        }
        self.prefixLength = prefixLength
    }

    /// Parses `a.b.c.d/n`, `v6/n`, or a bare address (a host prefix). Nil on malformed text.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let address = IPAddress(parts[0]) else { return nil }
        let length: Int
        if parts.count == 2 {
            guard parts[1].count <= 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                let parsed = Int(parts[1])
            else { return nil }
            length = parsed
        } else {
            length = address.isIPv4 ? 32 : 128
        }
        self.init(address: address, prefixLength: length)
    }

    /// Whether `candidate` lies in this prefix (families never mix).
    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate) {
        case (.v4(let net), .v4(let value)):
            return value & Self.mask32(prefixLength) == net
        case (.v6(let nh, let nl), .v6(let h, let l)):
            let (mh, ml) = Self.mask128(prefixLength)
            return h & mh == nh && l & ml == nl
        default:
            return false
        }
    }

    /// The address `offset` above the network address (`base+2` is the AWS VPC resolver).
    public func address(offset: UInt32) -> IPAddress {
        switch address {
        case .v4(let net): return .v4(net &+ offset)
        case .v6(let high, let low): return .v6(high, low &+ UInt64(offset))
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }

    static func mask32(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    static func mask128(_ length: Int) -> (UInt64, UInt64) {
        if length == 0 { return (0, 0) }
        if length <= 64 { return (UInt64.max << UInt64(64 - length), 0) }
        if length == 128 { return (UInt64.max, UInt64.max) }
        return (UInt64.max, UInt64.max << UInt64(128 - length))
    }
}

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

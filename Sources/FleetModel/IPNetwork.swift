/// An address prefix such as `10.0.0.0/8` or `2001:db8::/32`; a single host is a /32 or /128.
///
/// Host bits below the prefix are cleared on creation, so two spellings of one network compare equal.
/// An IPv4 network never contains an IPv6 address and the other way round (IPv4-mapped IPv6
/// addresses are IPv6 addresses here, as Zeek treats them).
public struct IPNetwork: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The lowest address of the network (host bits cleared).
    public let address: IPAddress
    /// Number of leading bits that are fixed: 0...32 for IPv4, 0...128 for IPv6.
    public let prefixLength: Int

    /// A network from an address and a prefix length; nil when the length is out of range.
    public init?(address: IPAddress, prefixLength: Int) {
        let maximum = address.isIPv4 ? 32 : 128
        guard prefixLength >= 0, prefixLength <= maximum else { return nil }
        self.prefixLength = prefixLength
        self.address = Self.lowest(address, prefixLength)
    }

    /// The network holding exactly one host.
    public init(host: IPAddress) {
        self.address = host
        self.prefixLength = host.isIPv4 ? 32 : 128
    }

    /// Parses `a.b.c.d/n`, `x::y/n` or a bare address (a host network). Nil for anything else.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let address = IPAddress(first) else { return nil }
        if parts.count == 1 {
            self.init(host: address)
            return
        }
        let lengthText = parts[1]
        guard !lengthText.isEmpty, lengthText.count <= 3, lengthText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let length = Int(lengthText)
        else { return nil }
        self.init(address: address, prefixLength: length)
    }

    /// `10.0.0.0/8` form.
    public var description: String { "\(address.description)/\(prefixLength)" }

    /// The highest address in the network (host bits set).
    public var lastAddress: IPAddress {
        switch address {
        case .v4(let value):
            return .v4(value | ~Self.mask32(prefixLength))
        case .v6(let high, let low):
            let (maskHigh, maskLow) = Self.mask128(prefixLength)
            return .v6(high | ~maskHigh, low | ~maskLow)
        }
    }

    /// The address `offset` above the network address (`base+2` is an AWS VPC's resolver).
    public func address(offset: UInt32) -> IPAddress {
        switch address {
        case .v4(let network): return .v4(network &+ offset)
        case .v6(let high, let low): return .v6(high, low &+ UInt64(offset))
        }
    }

    /// True when `candidate` lies inside this network.
    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate) {
        case (.v4(let network), .v4(let value)):
            return value & Self.mask32(prefixLength) == network
        case (.v6(let networkHigh, let networkLow), .v6(let high, let low)):
            let (maskHigh, maskLow) = Self.mask128(prefixLength)
            return high & maskHigh == networkHigh && low & maskLow == networkLow
        default:
            return false
        }
    }

    private static func lowest(_ address: IPAddress, _ length: Int) -> IPAddress {
        switch address {
        case .v4(let value):
            return .v4(value & mask32(length))
        case .v6(let high, let low):
            let (maskHigh, maskLow) = mask128(length)
            return .v6(high & maskHigh, low & maskLow)
        }
    }

    private static func mask32(_ length: Int) -> UInt32 {
        length <= 0 ? 0 : length >= 32 ? .max : ~(UInt32.max >> UInt32(length))
    }

    private static func mask64(_ length: Int) -> UInt64 {
        length <= 0 ? 0 : length >= 64 ? .max : ~(UInt64.max >> UInt64(length))
    }

    private static func mask128(_ length: Int) -> (UInt64, UInt64) {
        (mask64(length), mask64(length - 64))
    }
}

import FleetModel

/// `LocalNetworks` compiled into per-family mask tables: the conn record asks it about both
/// hosts of every connection, and walking `[IPNetwork]` (an enum switch per prefix) cost
/// about as much as the rest of the record.
struct LocalNetworkMatcher: Sendable {
    private var v4: [(network: UInt32, mask: UInt32)] = []
    private var v6: [(high: UInt64, low: UInt64, maskHigh: UInt64, maskLow: UInt64)] = []

    init(_ networks: LocalNetworks) {
        for prefix in networks.prefixes {
            let length = prefix.prefixLength
            switch prefix.address {
            case .v4(let network):
                v4.append((network, Self.mask32(length)))
            case .v6(let high, let low):
                v6.append((high, low, Self.mask64(length), Self.mask64(length - 64)))
            }
        }
    }

    /// The same answer as `LocalNetworks.contains` (`IPNetwork.contains` on each prefix).
    func contains(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let value):
            for entry in v4 where value & entry.mask == entry.network { return true }
        case .v6(let high, let low):
            for entry in v6 where high & entry.maskHigh == entry.high && low & entry.maskLow == entry.low { return true }
        }
        return false
    }

    private static func mask32(_ length: Int) -> UInt32 {
        length <= 0 ? 0 : length >= 32 ? .max : ~(UInt32.max >> UInt32(length))
    }

    private static func mask64(_ length: Int) -> UInt64 {
        length <= 0 ? 0 : length >= 64 ? .max : ~(UInt64.max >> UInt64(length))
    }
}

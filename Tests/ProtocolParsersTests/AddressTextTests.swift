import FleetModel
@testable import ProtocolParsers
import Testing

/// The byte-built answer text must match `IPAddress.description` exactly.
struct AddressTextTests {
    @Test func matchesDescriptionOnEdgeCases() {
        let addresses: [IPAddress] = [
            .v4(0), .v4(0xffff_ffff), .v4(0x0a00_0001), .v4(0x0102_0304), .v4(0x6463_0a09), .v4(0xc0a8_6401),
            .v6(0, 0), .v6(0, 1), .v6(0x2001_0db8_0000_0000, 0x0000_0000_0000_0001),
            .v6(0x2001_0db8_0000_0001, 0x0000_0000_0001_0000), .v6(0xfe80_0000_0000_0000, 0x0202_b3ff_fe1e_8329),
            .v6(0, 0x0000_ffff_c000_0280), .v6(0x2607_fb28_0000_0000, 4), .v6(0x0001_0000_0000_0000, 0x0001_0000_0000_0001),
            .v6(0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff), .v6(0x2001_0db8_0000_0000, 0x0001_0000_0000_0000),
        ]
        for address in addresses {
            #expect(addressText(address) == address.description)
        }
    }

    @Test func matchesDescriptionOnPseudoRandomAddresses() {
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        for _ in 0..<2_000 {
            let v4 = IPAddress.v4(UInt32(truncatingIfNeeded: next() >> 17))
            #expect(addressText(v4) == v4.description)
            // Zero groups are common in real IPv6 addresses: mask some out.
            let v6 = IPAddress.v6(next() & next(), next() & next() & next())
            #expect(addressText(v6) == v6.description)
        }
    }
}

import AgentRuntime
import FleetModel
import Testing

@Suite struct InterfaceAddressesTests {
    @Test func loopbackHasItsIPv4Address() {
        let addresses = InterfaceAddresses.of(interface: "lo")
        #expect(addresses.contains(.v4(0x7F00_0001)))
        #expect(Set(addresses).count == addresses.count)
    }

    @Test func unknownInterfaceHasNone() {
        #expect(InterfaceAddresses.of(interface: "fw-no-such-if0").isEmpty)
    }
}

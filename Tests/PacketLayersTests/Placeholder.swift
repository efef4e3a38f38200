import Testing
@testable import PacketLayers

@Suite struct PacketLayersTestsPlaceholder {
    @Test func moduleLinks() { #expect(Bool(true)) }
}

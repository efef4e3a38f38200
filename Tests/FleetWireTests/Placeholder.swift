import Testing

@Suite struct FleetWirePlaceholder {
    @Test func placeholder() { #expect(Bool(true)) }
}

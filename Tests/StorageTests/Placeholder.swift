import Testing

@Suite struct StoragePlaceholder {
    @Test func placeholder() { #expect(Bool(true)) }
}

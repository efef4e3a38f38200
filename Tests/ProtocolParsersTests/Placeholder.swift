import Testing
@testable import ProtocolParsers

@Suite struct ProtocolParsersTestsPlaceholder {
    @Test func moduleLinks() { #expect(Bool(true)) }
}

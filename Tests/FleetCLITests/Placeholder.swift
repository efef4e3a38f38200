import Testing
@testable import FleetCLI

@Suite struct FleetCLITestsPlaceholder {
    @Test func moduleLinks() { #expect(Bool(true)) }
}

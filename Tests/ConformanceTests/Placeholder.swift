import Testing
@testable import FlowTracking

@Suite struct ConformanceTestsPlaceholder {
    @Test func moduleLinks() { #expect(Bool(true)) }
}

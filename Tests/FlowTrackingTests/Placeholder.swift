import Testing
@testable import FlowTracking

@Suite struct FlowTrackingTestsPlaceholder {
    @Test func moduleLinks() { #expect(Bool(true)) }
}

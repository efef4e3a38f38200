import Testing
@testable import Capture

@Suite struct CaptureTestsPlaceholder {
    @Test func moduleLinks() { #expect(Bool(true)) }
}

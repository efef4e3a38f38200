import Testing
@testable import ZeekLogs

@Suite struct ZeekLogsTestsPlaceholder {
    @Test func moduleLinks() { #expect(Bool(true)) }
}

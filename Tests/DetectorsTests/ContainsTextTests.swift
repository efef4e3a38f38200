import Testing

@testable import Detectors

/// The matcher's substring test must answer exactly as `String.contains`, only faster.
@Suite struct ContainsTextTests {
    @Test func agreesWithContains() {
        let texts = [
            "", "a", "/dev/tcp/1.2.3.4/80", "x|sh", "| bash", "base64 -d", "caf\u{E9}", "cafe\u{301}", "e\u{301}xec:",
            "/dev/tcp/\u{301}", "exec:\u{301}", "ümlaut|sh", "😀socket😀", "sys", "system:", "pty.spawn(",
        ]
        let needles = ["", "e", "exec:", "/dev/tcp/", "|sh", "| bash", "socket", "system:", "é", "caf", "base64 -d"]
        for text in texts {
            for needle in needles {
                #expect(text.containsText(needle) == text.contains(needle), "\(text.debugDescription) / \(needle)")
            }
        }
        // Bytes match but characters do not (a combining mark joins the needle's last character).
        #expect("/dev/tcp/\u{301}".containsUTF8("/dev/tcp/"))
        #expect(!"/dev/tcp/\u{301}".containsText("/dev/tcp/"))
    }
}

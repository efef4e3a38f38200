import Testing
@testable import ProtocolParsers

@Suite struct HTTPStreamParserTests {
    static let pipelined = Array("""
        GET /a HTTP/1.1\r
        Host: example.com\r
        User-Agent: test\r
        \r
        POST /b%20c HTTP/1.1\r
        Host: example.com\r
        Content-Length: 5\r
        \r
        helloGET /chunked HTTP/1.1\r
        Transfer-Encoding: chunked\r
        \r
        3\r
        abc\r
        0\r
        \r

        """.utf8)

    static let replies = Array("""
        HTTP/1.1 100 Continue\r
        \r
        HTTP/1.1 200 OK\r
        Content-Length: 4\r
        \r
        abcdHTTP/1.1 204\r
        \r
        HTTP/1.0 200 OK\r
        \r
        until close
        """.utf8)

    static func parse(_ bytes: [UInt8], requestSide: Bool, chunk: Int, methods: [String] = []) -> [HTTPEvent] {
        var parser = HTTPStreamParser(isRequestSide: requestSide)
        for method in methods { parser.noteRequest(method: method) }
        var events: [HTTPEvent] = []
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + chunk)
            Array(bytes[index..<end]).withUnsafeBytes { parser.feed($0, events: &events) }
            index = end
        }
        parser.finish(events: &events)
        // Merge adjacent body events so that split points do not matter.
        var merged: [HTTPEvent] = []
        for event in events {
            if case .body(let count) = event, case .body(let previous)? = merged.last {
                merged[merged.count - 1] = .body(count: previous + count)
            } else if case .body(0) = event {
                continue
            } else {
                merged.append(event)
            }
        }
        return merged
    }

    @Test func pipelinedRequests() {
        let events = Self.parse(Self.pipelined, requestSide: true, chunk: 4096)
        #expect(events == [
            .request(method: "GET", uri: Array("/a".utf8), version: "1.1"),
            .header(name: "Host", value: "example.com"), .header(name: "User-Agent", value: "test"),
            .headersDone, .messageDone,
            .request(method: "POST", uri: Array("/b%20c".utf8), version: "1.1"),
            .header(name: "Host", value: "example.com"), .header(name: "Content-Length", value: "5"),
            .headersDone, .body(count: 5), .messageDone,
            .request(method: "GET", uri: Array("/chunked".utf8), version: "1.1"),
            .header(name: "Transfer-Encoding", value: "chunked"), .headersDone, .body(count: 3), .messageDone,
        ])
    }

    @Test func dripFeedingGivesTheSameEvents() {
        let whole = Self.parse(Self.pipelined, requestSide: true, chunk: Self.pipelined.count)
        for chunk in [1, 2, 3, 7, 64] {
            #expect(Self.parse(Self.pipelined, requestSide: true, chunk: chunk) == whole)
        }
        let methods = ["POST", "GET", "GET"]
        let replies = Self.parse(Self.replies, requestSide: false, chunk: Self.replies.count, methods: methods)
        for chunk in [1, 2, 5] {
            #expect(Self.parse(Self.replies, requestSide: false, chunk: chunk, methods: methods) == replies)
        }
    }

    @Test func repliesWithInterimNoContentAndUntilClose() {
        let events = Self.parse(Self.replies, requestSide: false, chunk: 1, methods: ["POST", "GET", "GET"])
        #expect(events == [
            .reply(version: "1.1", code: 100, reason: "Continue"), .headersDone, .messageDone,
            .reply(version: "1.1", code: 200, reason: "OK"), .header(name: "Content-Length", value: "4"),
            .headersDone, .body(count: 4), .messageDone,
            .reply(version: "1.1", code: 204, reason: "<empty>"), .headersDone, .messageDone,
            .reply(version: "1.0", code: 200, reason: "OK"), .headersDone, .body(count: 11), .messageDone,
        ])
    }

    @Test func requestLineForms() {
        let connect = HTTPRequestLine(Array("CONNECT mailin03.sul.t-online.de:25 / HTTP/1.0".utf8))
        #expect(connect?.uri == Array("mailin03.sul.t-online.de:25 /".utf8))
        #expect(connect?.version == "1.0")
        let http09 = HTTPRequestLine(Array("GET /zeek.html".utf8))
        #expect(http09?.version == "0.9")
        let glued = HTTPRequestLine(Array("GET /HTTP/1.1".utf8))
        #expect(glued?.uri == Array("/HTTP/1.1".utf8))
        #expect(glued?.version == "0.9")
        let empty = HTTPRequestLine(Array("OPTIONS  HTTP/1.0".utf8))
        #expect(empty?.uri == [])
        #expect(HTTPRequestLine(Array("\u{16}\u{03}\u{01} x".utf8)) == nil)
        #expect(HTTPRequestLine(Array("GET".utf8)) == nil)
    }

    @Test func http09ReplyIsBodyUntilClose() {
        let events = Self.parse(Array("<html>hi</html>\n".utf8), requestSide: false, chunk: 3, methods: ["GET"])
        #expect(events == [
            .reply(version: "0.9", code: 0, reason: "<empty>"), .headersDone, .body(count: 16), .messageDone,
        ])
    }

    @Test func overlongLinesStopTheParser() {
        var parser = HTTPStreamParser(isRequestSide: true)
        var events: [HTTPEvent] = []
        let line = [UInt8](repeating: 0x41, count: HTTPStreamParser.maxLineLength + 10)
        line.withUnsafeBytes { parser.feed($0, events: &events) }
        #expect(parser.failed == .lineTooLong)
        #expect(events.isEmpty)
    }

    @Test func garbageNeverCrashes() {
        var state: UInt64 = 0x9e3779b97f4a7c15
        for _ in 0..<200 {
            var bytes: [UInt8] = []
            for _ in 0..<300 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let pick = UInt8(truncatingIfNeeded: state >> 33)
                bytes.append([0x0d, 0x0a, 0x20, 0x3a, 0x30, 0x48][Int(pick % 6)] ^ (pick & 0x40))
            }
            _ = Self.parse(Array("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8) + bytes, requestSide: true, chunk: 7)
            _ = Self.parse(Array("HTTP/1.1 200 OK\r\n".utf8) + bytes, requestSide: false, chunk: 5, methods: ["GET"])
        }
    }
}

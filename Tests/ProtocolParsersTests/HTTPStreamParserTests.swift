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

    /// An event with its texts decoded (the old, String-carrying event shape).
    enum Event: Hashable {
        case request(method: String, uri: [UInt8], version: String)
        case reply(version: String, code: UInt16, reason: String)
        case header(name: String, value: String)
        case headersDone, body(count: Int), messageDone, invalidRequestLine
    }

    /// Decodes `events` against `bytes` (the parser's `eventBytes` right after the call).
    static func decode(_ events: [HTTPEvent], _ bytes: [UInt8]) -> [Event] {
        bytes.withUnsafeBufferPointer { buffer in
            events.map { event -> Event in
                switch event {
                case .request(let method, let uri, let version):
                    return .request(
                        method: HTTPEvent.text(buffer, method), uri: Array(HTTPEvent.slice(buffer, uri)),
                        version: HTTPEvent.text(buffer, version))
                case .reply(let version, let code, let reason):
                    return .reply(version: HTTPEvent.text(buffer, version), code: code, reason: HTTPEvent.text(buffer, reason))
                case .header(let name, let value):
                    return .header(name: HTTPEvent.text(buffer, name), value: HTTPEvent.text(buffer, value))
                case .headersDone: return .headersDone
                case .body(let count): return .body(count: count)
                case .messageDone: return .messageDone
                case .invalidRequestLine: return .invalidRequestLine
                }
            }
        }
    }

    /// Feeds `bytes` in pieces ending at `cuts`, decoding each call's events before the next call
    /// (their texts are only valid until then).
    static func parse(_ bytes: [UInt8], requestSide: Bool, cuts: [Int], methods: [String] = []) -> [Event] {
        var parser = HTTPStreamParser(isRequestSide: requestSide)
        for method in methods { parser.noteRequest(method: method) }
        var events: [HTTPEvent] = []
        var decoded: [Event] = []
        var index = 0
        for cut in cuts + [bytes.count] where cut >= index && cut <= bytes.count {
            Array(bytes[index..<cut]).withUnsafeBytes { parser.feed($0, events: &events) }
            decoded += decode(events, parser.eventBytes)
            events.removeAll()
            index = cut
        }
        parser.finish(events: &events)
        decoded += decode(events, parser.eventBytes)
        // Merge adjacent body events so that split points do not matter.
        var merged: [Event] = []
        for event in decoded {
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

    static func parse(_ bytes: [UInt8], requestSide: Bool, chunk: Int, methods: [String] = []) -> [Event] {
        parse(bytes, requestSide: requestSide, cuts: Array(stride(from: chunk, to: bytes.count, by: chunk)), methods: methods)
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

    static let folded = Array("""
        GET /f HTTP/1.1\r
        X-Long:  first \r
          second\t\r
        \tthird\r
        Host:\texample.com \r
        Cookie: a=\u{1}b\r
        no colon here\r
        Content-Length: 2\r
        \r
        okGET /g HTTP/1.0\r
        \r

        """.utf8)

    @Test func foldedHeadersAndEscapes() {
        #expect(Self.parse(Self.folded, requestSide: true, chunk: 4096) == [
            .request(method: "GET", uri: Array("/f".utf8), version: "1.1"),
            .header(name: "X-Long", value: "first second third"), .header(name: "Host", value: "example.com"),
            .header(name: "Cookie", value: "a=\\x01b"), .header(name: "Content-Length", value: "2"),
            .headersDone, .body(count: 2), .messageDone,
            .request(method: "GET", uri: Array("/g".utf8), version: "1.0"), .headersDone, .messageDone,
        ])
    }

    /// Split once at every offset: lines (and headers waiting for continuation lines) cut across
    /// two feeds give the same events, and each call's texts are right when read after it.
    @Test func everySplitPointGivesTheSameEvents() {
        for (bytes, requestSide, methods) in [
            (Self.pipelined, true, [String]()), (Self.folded, true, []), (Self.replies, false, ["POST", "GET", "GET"]),
        ] {
            let whole = Self.parse(bytes, requestSide: requestSide, cuts: [], methods: methods)
            for cut in 0...bytes.count {
                #expect(Self.parse(bytes, requestSide: requestSide, cuts: [cut], methods: methods) == whole)
                #expect(Self.parse(bytes, requestSide: requestSide, cuts: [cut, cut + 3], methods: methods) == whole)
            }
        }
    }

    /// Truncated at every offset: never crashes, and what was reported is a prefix of the whole.
    @Test func truncatedAtEveryOffset() {
        for (bytes, requestSide, methods) in [
            (Self.pipelined, true, [String]()), (Self.folded, true, []), (Self.replies, false, ["POST", "GET", "GET"]),
        ] {
            let whole = Self.parse(bytes, requestSide: requestSide, cuts: [], methods: methods)
            for end in 0...bytes.count {
                let events = Self.parse(Array(bytes[..<end]), requestSide: requestSide, chunk: 5, methods: methods)
                    .filter { if case .body = $0 { false } else { true } }
                let expected = whole.filter { if case .body = $0 { false } else { true } }
                // An until-close reply ends with the stream, so its end is reported early.
                if requestSide { #expect(Array(expected.prefix(events.count)) == events) }
                #expect(events.count <= expected.count)
            }
        }
    }

    @Test func headersBeyondTheLimitAreDroppedWithTheirText() {
        var text = "GET / HTTP/1.1\r\n"
        for index in 0..<(HTTPStreamParser.maxHeaders + 5) { text += "X-\(index): \(index)\r\n" }
        text += "\r\n"
        let bytes = Array(text.utf8)
        var parser = HTTPStreamParser(isRequestSide: true)
        var events: [HTTPEvent] = []
        bytes.withUnsafeBytes { parser.feed($0, events: &events) }
        let decoded = Self.decode(events, parser.eventBytes)
        let headers = decoded.filter { if case .header = $0 { true } else { false } }
        #expect(headers.count == HTTPStreamParser.maxHeaders)
        #expect(headers.last == .header(name: "X-127", value: "127"))
        #expect(decoded.last == .messageDone)
        #expect(parser.eventBytes.count < bytes.count)
    }

    @Test func foldedHeadersAreBounded() {
        var parser = HTTPStreamParser(isRequestSide: true)
        var events: [HTTPEvent] = []
        Array("GET / HTTP/1.1\r\nX-A: a\r\n".utf8).withUnsafeBytes { parser.feed($0, events: &events) }
        let continuation = Array((" " + String(repeating: "b", count: 1000) + "\r\n").utf8)
        for _ in 0..<200 {
            events.removeAll()
            continuation.withUnsafeBytes { parser.feed($0, events: &events) }
            #expect(parser.eventBytes.count <= HTTPStreamParser.maxFoldedHeaderLength)
        }
        events.removeAll()
        Array("\r\n".utf8).withUnsafeBytes { parser.feed($0, events: &events) }
        let decoded = Self.decode(events, parser.eventBytes)
        guard case .header(let name, let value)? = decoded.first else {
            Issue.record("no header: \(decoded)")
            return
        }
        #expect(name == "X-A")
        #expect(value.utf8.count > 60_000 && value.utf8.count <= HTTPStreamParser.maxFoldedHeaderLength)
        #expect(decoded.dropFirst() == [.headersDone, .messageDone])
    }

    @Test func statusLineTextIsEscaped() {
        let reply = Array("HTTP/1.1 200 O\u{7f}K\r\nContent-Length: 0\r\n\r\nHTTP/1.1 404\r\n\r\n".utf8)
        #expect(Self.parse(reply, requestSide: false, chunk: 1, methods: ["GET", "GET"]) == [
            .reply(version: "1.1", code: 200, reason: "O\\x7fK"), .header(name: "Content-Length", value: "0"),
            .headersDone, .messageDone, .reply(version: "1.1", code: 404, reason: "<empty>"), .headersDone,
            .messageDone,
        ])
    }

    /// Chunk-size lines read as `UInt64(text, radix: 16)` of the trimmed line reads them.
    @Test func chunkSizesReadAsBefore() {
        let samples = [
            "0", "a", "A", " 1f \t\r", "+3", "-0", "-1", "+", "-", "", " ", "ffffffffffffffff", "10000000000000000",
            "+fffffffffffffff", "0x1", "1 2", "g", "00000000000000001", "\u{1}",
        ]
        for sample in samples {
            let bytes = Array(sample.utf8)
            var trimmed = Substring(sample)
            while let first = trimmed.first, first == " " || first == "\t" { trimmed = trimmed.dropFirst() }
            while let last = trimmed.last, last == " " || last == "\t" || last == "\r" { trimmed = trimmed.dropLast() }
            let expected = trimmed.isEmpty || trimmed.utf8.count > 16 ? nil : UInt64(trimmed, radix: 16)
            #expect(bytes.withUnsafeBytes { HTTPStreamParser.parseChunkSize($0) } == expected, "\(sample)")
        }
    }

    @Test func newlineScanFindsEveryPosition() {
        for length in 0..<40 {
            for position in 0...length {
                var bytes = [UInt8](repeating: 0x41, count: length)
                if position < length { bytes[position] = 0x0a }
                for start in 0...position {
                    #expect(bytes.withUnsafeBytes { HTTPStreamParser.newline(in: $0, from: start) } == position)
                }
            }
        }
    }
}

/// Incremental HTTP/1.x parser for one direction of a connection.
///
/// Feed in-order stream bytes in any split; the events are the same as for one chunk.
/// Memory is bounded by `maxLineLength`. The reply side needs to know the request
/// methods (HEAD and CONNECT change body framing): call `noteRequest(method:)`.
public struct HTTPStreamParser: Sendable {
    /// Longest request, status, header or chunk-size line kept.
    public static let maxLineLength = 16 * 1024
    /// Most headers reported per message (the rest are parsed and dropped).
    public static let maxHeaders = 128

    public let isRequestSide: Bool
    private var state: State = .startLine
    private var line: [UInt8] = []
    /// The line being handled: complete lines are swapped in here from `line`, so that neither
    /// buffer is reallocated per line (a copy of `line` would be, on its next append).
    private var completeLine: [UInt8] = []
    private var headerCount = 0
    private var pendingHeader: (name: String, value: String)? = nil
    private var contentLength: UInt64? = nil
    private var chunked = false
    /// Decoder for a gzip/deflate `Content-Encoding`: body counts are inflated sizes, as Zeek's.
    private var inflater: InflateCounter? = nil
    private var replyCode: UInt16 = 0
    private var messageIsHTTP09 = false
    /// Requests whose final reply has not been parsed yet (reply side only).
    private var requestMethods: [(method: String, http09: Bool)] = []
    public private(set) var failed: HTTPStreamError? = nil

    private enum State: Sendable {
        case startLine, headers
        case body(remaining: UInt64)
        case chunkSize, chunkData(remaining: UInt64), chunkDataEnd, trailers
        case untilClose
        /// After CONNECT succeeded: the rest is not HTTP.
        case tunnel
    }

    public init(isRequestSide: Bool) {
        self.isRequestSide = isRequestSide
    }

    /// Reply side: a request with this method was sent (in order). The reply to an
    /// HTTP/0.9 request is read as a 0.9 reply (all body, until close), as Zeek does.
    public mutating func noteRequest(method: String, http09: Bool = false) {
        if requestMethods.count < 1024 { requestMethods.append((method, http09)) }
    }

    /// True while a reply body is being read until the connection closes.
    public var readingUntilClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// Parses `data`, appending events. After an error the parser ignores further input.
    public mutating func feed(_ data: UnsafeRawBufferPointer, events: inout [HTTPEvent]) {
        var index = 0
        let count = data.count
        while index < count, failed == nil {
            switch state {
            case .body(let remaining):
                let take = Int(min(UInt64(count - index), remaining))
                events.append(.body(count: bodyCount(data, index, take)))
                index += take
                if remaining - UInt64(take) == 0 { finishMessage(&events) } else { state = .body(remaining: remaining - UInt64(take)) }
            case .chunkData(let remaining):
                let take = Int(min(UInt64(count - index), remaining))
                if take > 0 { events.append(.body(count: bodyCount(data, index, take))) }
                index += take
                state = remaining - UInt64(take) == 0 ? .chunkDataEnd : .chunkData(remaining: remaining - UInt64(take))
            case .untilClose:
                events.append(.body(count: bodyCount(data, index, count - index)))
                index = count
            case .tunnel:
                index = count
            case .startLine, .headers, .chunkSize, .chunkDataEnd, .trailers:
                // Collect one line.
                var newline = index
                while newline < count, data[newline] != 0x0a { newline += 1 }
                let piece = UnsafeRawBufferPointer(rebasing: data[index..<newline])
                guard line.count + piece.count <= Self.maxLineLength else {
                    failed = .lineTooLong
                    return
                }
                // HTTP/0.9 replies: decide on the first bytes, before a whole line arrives.
                line.append(contentsOf: piece)
                if !isRequestSide, case .startLine = state, !line.isEmpty || requestMethods.first?.http09 == true,
                   requestMethods.first?.http09 == true || !Self.couldBeStatusLine(line) {
                    startHTTP09Reply(&events)
                    index = newline
                    continue
                }
                if newline == count { index = count; break }
                index = newline + 1
                if line.last == 0x0d { line.removeLast() }
                swap(&line, &completeLine)
                if !line.isEmpty { line.removeAll(keepingCapacity: true) }
                handleLine(completeLine, events: &events)
            }
        }
    }

    /// End of stream: a body read until close is complete.
    public mutating func finish(events: inout [HTTPEvent]) {
        if case .untilClose = state { finishMessage(&events) }
    }

    /// Body bytes as Zeek counts them: inflated when the message is gzip/deflate encoded.
    private mutating func bodyCount(_ data: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> Int {
        guard inflater != nil else { return length }
        return inflater?.feed(UnsafeRawBufferPointer(rebasing: data[start..<(start + length)])) ?? length
    }

    // MARK: - Lines

    private mutating func handleLine(_ line: [UInt8], events: inout [HTTPEvent]) {
        switch state {
        case .startLine:
            if line.isEmpty { return }  // tolerated blank lines between messages
            if isRequestSide { parseRequestLine(line, events: &events) } else { parseStatusLine(line, events: &events) }
        case .headers:
            if line.isEmpty {
                flushHeader(&events)
                events.append(.headersDone)
                startBody(&events)
            } else if line.first == 0x20 || line.first == 0x09, pendingHeader != nil {
                pendingHeader?.value += " " + Self.trimmed(line)
            } else {
                flushHeader(&events)
                if let colon = line.firstIndex(of: 0x3a) {
                    pendingHeader = (Self.trimmed(line[..<colon]), Self.trimmed(line[(colon + 1)...]))
                }
            }
        case .chunkSize:
            var digits = line[...]
            if let semicolon = digits.firstIndex(of: 0x3b) { digits = digits[..<semicolon] }
            let text = Self.trimmed(digits)
            guard !text.isEmpty, text.utf8.count <= 16, let size = UInt64(text, radix: 16) else {
                failed = .badChunkSize
                return
            }
            state = size == 0 ? .trailers : .chunkData(remaining: size)
        case .chunkDataEnd:
            state = .chunkSize
            if !line.isEmpty { handleLine(line, events: &events) }  // tolerate missing CRLF
        case .trailers:
            if line.isEmpty { finishMessage(&events) }
        case .body, .chunkData, .untilClose, .tunnel:
            break
        }
    }

    private mutating func flushHeader(_ events: inout [HTTPEvent]) {
        guard let header = pendingHeader else { return }
        pendingHeader = nil
        headerCount += 1
        guard headerCount <= Self.maxHeaders else { return }
        events.append(.header(name: header.name, value: header.value))
        // Names are escaped to printable ASCII (`trimmed`): ASCII case folding is exact.
        if asciiCaseInsensitiveEqual(header.name, "content-length") {
            if let length = UInt64(header.value) { contentLength = length }
        } else if asciiCaseInsensitiveEqual(header.name, "transfer-encoding") {
            if header.value.lowercased().contains("chunked") { chunked = true }
        } else if asciiCaseInsensitiveEqual(header.name, "content-encoding") {
            switch header.value.lowercased() {
            case "gzip", "x-gzip": inflater = InflateCounter(format: .gzip)
            case "deflate": inflater = InflateCounter(format: .deflate)
            default: break
            }
        }
    }

    private mutating func parseRequestLine(_ line: [UInt8], events: inout [HTTPEvent]) {
        guard let request = HTTPRequestLine(line) else {
            events.append(.invalidRequestLine)
            return
        }
        events.append(.request(method: request.method, uri: request.uri, version: request.version))
        // Zeek reads header lines after a 0.9 request line too; there is never a body.
        messageIsHTTP09 = request.version == "0.9"
        beginHeaders()
    }

    private mutating func parseStatusLine(_ line: [UInt8], events: inout [HTTPEvent]) {
        // "HTTP/x.y SP code SP reason", read from the escaped text (pure ASCII, one byte per
        // character, so byte offsets are character offsets).
        var text: [UInt8] = []
        text.reserveCapacity(line.count)
        for byte in line {
            if byte >= 0x20 && byte < 0x7f {
                text.append(byte)
            } else {
                text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x"), Self.hex(byte >> 4), Self.hex(byte & 0xf)])
            }
        }
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        var index = min(5, text.count)
        let versionStart = index
        while index < text.count, !isBlank(text[index]) { index += 1 }
        let version = String(decoding: text[versionStart..<index], as: UTF8.self)
        while index < text.count, isBlank(text[index]) { index += 1 }
        let codeStart = index
        while index < text.count, text[index] >= 0x30 && text[index] <= 0x39 { index += 1 }
        var code: UInt16 = 0
        if index > codeStart {
            // UInt16(prefix(3)) of the digits: at most 999, always fits.
            for digit in text[codeStart..<min(index, codeStart + 3)] { code = code * 10 + UInt16(digit - 0x30) }
        }
        while index < text.count, isBlank(text[index]) { index += 1 }
        var reasonEnd = text.count
        while reasonEnd > index, isBlank(text[reasonEnd - 1]) { reasonEnd -= 1 }
        let reason = String(decoding: text[index..<reasonEnd], as: UTF8.self)
        replyCode = code
        messageIsHTTP09 = false
        events.append(.reply(version: version, code: code, reason: reason.isEmpty ? "<empty>" : reason))
        beginHeaders()
    }

    private mutating func startHTTP09Reply(_ events: inout [HTTPEvent]) {
        // The bytes collected so far are body.
        let already = line.count
        line.removeAll(keepingCapacity: false)
        events.append(.reply(version: "0.9", code: 0, reason: "<empty>"))
        events.append(.headersDone)
        messageIsHTTP09 = true
        state = .untilClose
        if already > 0 { events.append(.body(count: already)) }
    }

    private mutating func beginHeaders() {
        state = .headers
        headerCount = 0
        pendingHeader = nil
        contentLength = nil
        chunked = false
        inflater = nil
    }

    private mutating func startBody(_ events: inout [HTTPEvent]) {
        if isRequestSide {
            if messageIsHTTP09 { finishMessage(&events) } else if chunked { state = .chunkSize } else if let length = contentLength, length > 0 {
                state = .body(remaining: length)
            } else { finishMessage(&events) }
            return
        }
        let method = requestMethods.first?.method ?? ""
        if replyCode >= 100 && replyCode < 200 {
            // Interim reply: the final one follows for the same request.
            events.append(.messageDone)
            state = .startLine
            return
        }
        if method == "CONNECT" && replyCode >= 200 && replyCode < 300 {
            events.append(.messageDone)
            if !requestMethods.isEmpty { requestMethods.removeFirst() }
            state = .tunnel
            return
        }
        if method == "HEAD" || replyCode == 204 || replyCode == 304 {
            finishMessage(&events)
        } else if chunked {
            state = .chunkSize
        } else if let length = contentLength {
            if length == 0 { finishMessage(&events) } else { state = .body(remaining: length) }
        } else {
            state = .untilClose
        }
    }

    private mutating func finishMessage(_ events: inout [HTTPEvent]) {
        inflater = nil
        events.append(.messageDone)
        if !isRequestSide, !requestMethods.isEmpty { requestMethods.removeFirst() }
        state = .startLine
    }

    // MARK: - Helpers

    /// False once the bytes cannot begin `HTTP/`.
    static func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    static func couldBeStatusLine(_ line: [UInt8]) -> Bool {
        let prefix: [UInt8] = Array("HTTP/".utf8)
        var start = 0
        while start < line.count, line[start] == 0x0d { start += 1 }  // stray CR of a blank line
        if start == line.count { return true }
        for (offset, byte) in line[start...].prefix(5).enumerated() where byte != prefix[offset] {
            return false
        }
        return true
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 || last == 0x0d { slice = slice.dropLast() }
        return zeekEscapedText(slice)
    }

    static func trimmed(_ bytes: [UInt8]) -> String { trimmed(bytes[...]) }
}

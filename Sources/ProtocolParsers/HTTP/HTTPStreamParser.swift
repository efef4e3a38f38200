/// Incremental HTTP/1.x parser for one direction of a connection.
///
/// Feed in-order stream bytes in any split; the events are the same as for one chunk.
/// Event texts are ranges into `eventBytes`, which holds them until the next `feed` or
/// `finish` call. Memory is bounded by `maxLineLength` (per line) and by the bytes fed in one
/// call. The reply side needs to know the request methods (HEAD and CONNECT change body
/// framing): call `noteRequest(method:)`.
public struct HTTPStreamParser: Sendable {
    /// Longest request, status, header or chunk-size line kept.
    public static let maxLineLength = 16 * 1024
    /// Most headers reported per message (the rest are parsed and dropped).
    public static let maxHeaders = 128
    /// Longest header kept with its continuation lines folded in; further continuation bytes
    /// are dropped.
    public static let maxFoldedHeaderLength = 4 * maxLineLength

    public let isRequestSide: Bool
    private var state: State = .startLine
    private var line: [UInt8] = []
    /// The line being handled when it was collected across feeds: complete lines are swapped in
    /// here from `line`, so that neither buffer is reallocated per line.
    private var completeLine: [UInt8] = []
    /// The texts the events of the current call refer to. A header waiting for possible
    /// continuation lines (`pendingHeader`) is kept at its end and moved to the front when the
    /// next call starts.
    public private(set) var eventBytes: [UInt8] = []
    private var headerCount = 0
    /// Where the header being collected lies in `eventBytes`: its name, and its value from
    /// `valueStart` to the end (the line's bytes between them are kept, unused).
    private var pendingHeader: (nameStart: Int, nameEnd: Int, valueStart: Int)? = nil
    private var contentLength: UInt64? = nil
    private var chunked = false
    /// Decoder for a gzip/deflate `Content-Encoding`: body counts are inflated sizes, as Zeek's.
    private var inflater: InflateCounter? = nil
    private var replyCode: UInt16 = 0
    private var messageIsHTTP09 = false
    /// Requests whose final reply has not been parsed yet (reply side only).
    private var requestMethods: [(method: RequestKind, http09: Bool)] = []
    public private(set) var failed: HTTPStreamError? = nil

    private enum State: Sendable {
        case startLine, headers
        case body(remaining: UInt64)
        case chunkSize, chunkData(remaining: UInt64), chunkDataEnd, trailers
        case untilClose
        /// After CONNECT succeeded: the rest is not HTTP.
        case tunnel
    }

    /// The request methods that change reply framing.
    private enum RequestKind: Sendable { case head, connect, other }

    public init(isRequestSide: Bool) {
        self.isRequestSide = isRequestSide
    }

    /// Reply side: a request with this method was sent (in order). The reply to an
    /// HTTP/0.9 request is read as a 0.9 reply (all body, until close), as Zeek does.
    public mutating func noteRequest(method: String, http09: Bool = false) {
        let kind: RequestKind = method == "HEAD" ? .head : method == "CONNECT" ? .connect : .other
        if requestMethods.count < 1024 { requestMethods.append((kind, http09)) }
    }

    /// True while a reply body is being read until the connection closes.
    public var readingUntilClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// Parses `data`, appending events. After an error the parser ignores further input.
    public mutating func feed(_ data: UnsafeRawBufferPointer, events: inout [HTTPEvent]) {
        startCall()
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
                let newline = Self.newline(in: data, from: index)
                let piece = UnsafeRawBufferPointer(rebasing: data[index..<newline])
                guard line.count + piece.count <= Self.maxLineLength else {
                    failed = .lineTooLong
                    return
                }
                let statusLineCheck: Bool
                if !isRequestSide, case .startLine = state { statusLineCheck = true } else { statusLineCheck = false }
                if line.isEmpty, newline < count, !statusLineCheck {
                    // A whole line within `data`: handled where it lies.
                    index = newline + 1
                    var end = piece.count
                    if end > 0, piece[end - 1] == 0x0d { end -= 1 }
                    handleLine(UnsafeRawBufferPointer(rebasing: piece[0..<end]), events: &events)
                    continue
                }
                // HTTP/0.9 replies: decide on the first bytes, before a whole line arrives.
                Self.append(piece, to: &line)
                if statusLineCheck, !line.isEmpty || requestMethods.first?.http09 == true,
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
                let whole = completeLine
                whole.withUnsafeBytes { handleLine($0, events: &events) }
            }
        }
    }

    /// End of stream: a body read until close is complete.
    public mutating func finish(events: inout [HTTPEvent]) {
        startCall()
        if case .untilClose = state { finishMessage(&events) }
    }

    /// Drops the texts of the previous call's events, keeping a pending header (moved to the front).
    private mutating func startCall() {
        guard let pending = pendingHeader else {
            if !eventBytes.isEmpty { eventBytes.removeAll(keepingCapacity: true) }
            return
        }
        if pending.nameStart > 0 {
            eventBytes.removeFirst(pending.nameStart)
            pendingHeader = (0, pending.nameEnd - pending.nameStart, pending.valueStart - pending.nameStart)
        }
    }

    /// Body bytes as Zeek counts them: inflated when the message is gzip/deflate encoded.
    private mutating func bodyCount(_ data: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> Int {
        guard inflater != nil else { return length }
        return inflater?.feed(UnsafeRawBufferPointer(rebasing: data[start..<(start + length)])) ?? length
    }

    // MARK: - Lines

    /// One line without its LF and final CR.
    private mutating func handleLine(_ line: UnsafeRawBufferPointer, events: inout [HTTPEvent]) {
        switch state {
        case .startLine:
            if line.isEmpty { return }  // tolerated blank lines between messages
            if isRequestSide { parseRequestLine(line, events: &events) } else { parseStatusLine(line, events: &events) }
        case .headers:
            if line.isEmpty {
                flushHeader(&events)
                events.append(.headersDone)
                startBody(&events)
            } else if line[0] == 0x20 || line[0] == 0x09, let pending = pendingHeader {
                if eventBytes.count - pending.nameStart + 1 + line.count <= Self.maxFoldedHeaderLength {
                    eventBytes.append(0x20)
                    appendTrimmed(line)
                }
            } else {
                flushHeader(&events)
                var colon = 0
                while colon < line.count, line[colon] != 0x3a { colon += 1 }
                if colon < line.count {
                    // Trimmed name and value, copied in one piece from the name to the value's end.
                    let name = Self.trimmedRange(UnsafeRawBufferPointer(rebasing: line[..<colon]))
                    let valueRange = Self.trimmedRange(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
                    let value = (colon + 1 + valueRange.lowerBound)..<(colon + 1 + valueRange.upperBound)
                    let base = eventBytes.count - name.lowerBound
                    Self.append(UnsafeRawBufferPointer(rebasing: line[name.lowerBound..<value.upperBound]), to: &eventBytes)
                    pendingHeader = (base + name.lowerBound, base + name.upperBound, base + value.lowerBound)
                }
            }
        case .chunkSize:
            var end = line.count
            if let semicolon = line.firstIndex(of: 0x3b) { end = semicolon }
            guard let size = Self.parseChunkSize(UnsafeRawBufferPointer(rebasing: line[0..<end])) else {
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

    /// Appends `bytes` without leading blanks and trailing blanks/CRs.
    private mutating func appendTrimmed(_ bytes: UnsafeRawBufferPointer) {
        let range = Self.trimmedRange(bytes)
        if !range.isEmpty { Self.append(UnsafeRawBufferPointer(rebasing: bytes[range]), to: &eventBytes) }
    }

    private mutating func flushHeader(_ events: inout [HTTPEvent]) {
        guard let header = pendingHeader else { return }
        pendingHeader = nil
        headerCount += 1
        guard headerCount <= Self.maxHeaders else {
            eventBytes.removeLast(eventBytes.count - header.nameStart)
            return
        }
        let name = header.nameStart..<header.nameEnd
        let value = header.valueStart..<eventBytes.count
        events.append(.header(name: name, value: value))
        let framing: Framing? = eventBytes.withUnsafeBufferPointer { bytes in
            let nameBytes = HTTPEvent.slice(bytes, name)
            // Names are escaped to printable ASCII (`trimmed`): ASCII case folding is exact.
            switch nameBytes.count {
            case 14: return asciiCaseInsensitiveEqual(nameBytes, "content-length") ? .contentLength : nil
            case 16: return asciiCaseInsensitiveEqual(nameBytes, "content-encoding") ? .contentEncoding : nil
            case 17: return asciiCaseInsensitiveEqual(nameBytes, "transfer-encoding") ? .transferEncoding : nil
            default: return nil
            }
        }
        guard let framing else { return }
        let text = eventBytes.withUnsafeBufferPointer { HTTPEvent.text($0, value) }
        switch framing {
        case .contentLength:
            if let length = UInt64(text) { contentLength = length }
        case .transferEncoding:
            if text.lowercased().contains("chunked") { chunked = true }
        case .contentEncoding:
            switch text.lowercased() {
            case "gzip", "x-gzip": inflater = InflateCounter(format: .gzip)
            case "deflate": inflater = InflateCounter(format: .deflate)
            default: break
            }
        }
    }

    /// Headers that change message framing.
    private enum Framing { case contentLength, transferEncoding, contentEncoding }

    private mutating func parseRequestLine(_ line: UnsafeRawBufferPointer, events: inout [HTTPEvent]) {
        guard let parts = HTTPRequestLine.parts(of: line) else {
            events.append(.invalidRequestLine)
            return
        }
        let base = eventBytes.count
        Self.append(line, to: &eventBytes)
        let version: Range<Int>
        if let range = parts.version {
            version = (base + range.lowerBound)..<(base + range.upperBound)
            // Zeek reads header lines after a 0.9 request line too; there is never a body.
            messageIsHTTP09 = range.count == 3 && line[range.lowerBound] == 0x30 && line[range.lowerBound + 1] == 0x2e
                && line[range.lowerBound + 2] == 0x39
        } else {
            version = appendText("0.9")
            messageIsHTTP09 = true
        }
        events.append(.request(
            method: (base + parts.method.lowerBound)..<(base + parts.method.upperBound),
            uri: (base + parts.uri.lowerBound)..<(base + parts.uri.upperBound), version: version))
        beginHeaders()
    }

    /// Appends ASCII `text` to `eventBytes`; returns where it lies.
    private mutating func appendText(_ text: StaticString) -> Range<Int> {
        let start = eventBytes.count
        text.withUTF8Buffer { eventBytes.append(contentsOf: $0) }
        return start..<eventBytes.count
    }

    private mutating func parseStatusLine(_ line: UnsafeRawBufferPointer, events: inout [HTTPEvent]) {
        // "HTTP/x.y SP code SP reason", read from the escaped text (pure ASCII, one byte per
        // character, so byte offsets are character offsets), kept in `eventBytes`.
        let base = eventBytes.count
        if line.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) {
            Self.append(line, to: &eventBytes)
        } else {
            Self.appendEscaped(line, to: &eventBytes)
        }
        let end = eventBytes.count
        let (version, code, reason): (Range<Int>, UInt16, Range<Int>) = eventBytes.withUnsafeBufferPointer { text in
            let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
            var index = min(base + 5, end)
            let versionStart = index
            while index < end, !isBlank(text[index]) { index += 1 }
            let version = versionStart..<index
            while index < end, isBlank(text[index]) { index += 1 }
            let codeStart = index
            while index < end, text[index] >= 0x30 && text[index] <= 0x39 { index += 1 }
            var code: UInt16 = 0
            if index > codeStart {
                // UInt16(prefix(3)) of the digits: at most 999, always fits.
                for digit in text[codeStart..<min(index, codeStart + 3)] { code = code * 10 + UInt16(digit - 0x30) }
            }
            while index < end, isBlank(text[index]) { index += 1 }
            var reasonEnd = end
            while reasonEnd > index, isBlank(text[reasonEnd - 1]) { reasonEnd -= 1 }
            return (version, code, index..<reasonEnd)
        }
        replyCode = code
        messageIsHTTP09 = false
        events.append(.reply(version: version, code: code, reason: reason.isEmpty ? appendText("<empty>") : reason))
        beginHeaders()
    }

    private mutating func startHTTP09Reply(_ events: inout [HTTPEvent]) {
        // The bytes collected so far are body.
        let already = line.count
        line.removeAll(keepingCapacity: false)
        events.append(.reply(version: appendText("0.9"), code: 0, reason: appendText("<empty>")))
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
        let method = requestMethods.first?.method ?? .other
        if replyCode >= 100 && replyCode < 200 {
            // Interim reply: the final one follows for the same request.
            events.append(.messageDone)
            state = .startLine
            return
        }
        if method == .connect && replyCode >= 200 && replyCode < 300 {
            events.append(.messageDone)
            if !requestMethods.isEmpty { requestMethods.removeFirst() }
            state = .tunnel
            return
        }
        if method == .head || replyCode == 204 || replyCode == 304 {
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
}

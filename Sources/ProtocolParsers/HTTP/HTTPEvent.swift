/// One thing an `HTTPStreamParser` recognised, in stream order.
///
/// Texts are byte ranges into the parser's `eventBytes`, valid until the parser's next `feed` or
/// `finish` call (read them before feeding again). Nothing is decoded or copied into a `String`
/// per event: the consumer decodes what it shows (`HTTPEvent.text`). The event itself is plain
/// data (no references), so arrays of events are copied and cleared without reference counting.
public enum HTTPEvent: Hashable, Sendable {
    /// A request line, raw bytes: the method, the request target (everything between the method
    /// and the whitespace before `HTTP/`) and the version after `HTTP/` (`1.1`, `1.0`, ...), or
    /// `0.9` when the line had no `HTTP/` part.
    case request(method: Range<Int>, uri: Range<Int>, version: Range<Int>)
    /// A status line, already in Zeek's escaped form (printable ASCII). HTTP/0.9 replies (no
    /// status line) report code 0, version `0.9`; an empty reason reads `<empty>`.
    case reply(version: Range<Int>, code: UInt16, reason: Range<Int>)
    /// One header, raw bytes: the name and the value, both trimmed, continuation lines folded
    /// into the value (each joined by one space).
    case header(name: Range<Int>, value: Range<Int>)
    /// End of the header block.
    case headersDone
    /// `count` body bytes (after de-chunking).
    case body(count: Int)
    /// The message (headers and body) is complete.
    case messageDone
    /// A request-side line that is not a valid request line (Zeek: `bad_HTTP_request`);
    /// the parser skips it and tries the next line.
    case invalidRequestLine

    /// The bytes of `range` in `bytes` (the parser's `eventBytes`), clamped to the buffer.
    @inlinable
    public static func slice(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        let lower = max(0, min(range.lowerBound, bytes.count))
        let upper = max(lower, min(range.upperBound, bytes.count))
        return UnsafeBufferPointer(rebasing: bytes[lower..<upper])
    }

    /// The bytes of `range` as Zeek's log writer shows them (`zeekEscapedText`).
    public static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        zeekEscapedText(slice(bytes, range))
    }

    /// Whether the bytes of `range` are exactly `expected` (ASCII).
    @inlinable
    public static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ expected: StaticString) -> Bool {
        let part = slice(bytes, range)
        return expected.withUTF8Buffer { target in
            guard part.count == target.count else { return false }
            for index in 0..<target.count where part[index] != target[index] { return false }
            return true
        }
    }
}

/// Whether `bytes` equal `lowercase` (lower-case ASCII) ignoring ASCII case. Bytes outside
/// printable ASCII never match a printable target, so this agrees with comparing the
/// `zeekEscapedText` form of `bytes` case-insensitively.
@inlinable
public func asciiCaseInsensitiveEqual(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
    lowercase.withUTF8Buffer { target in
        guard bytes.count == target.count else { return false }
        for index in 0..<target.count {
            let byte = bytes[index]
            if (byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte) != target[index] { return false }
        }
        return true
    }
}

/// Why an `HTTPStreamParser` stopped.
public enum HTTPStreamError: Error, Hashable, Sendable {
    /// The first line is not an HTTP request or status line.
    case notHTTP
    /// A line exceeded `HTTPStreamParser.maxLineLength`.
    case lineTooLong
    /// A chunk-size line was not hexadecimal.
    case badChunkSize
}

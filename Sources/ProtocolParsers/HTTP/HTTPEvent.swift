/// One thing an `HTTPStreamParser` recognised, in stream order.
public enum HTTPEvent: Hashable, Sendable {
    /// A request line. `uri` is the raw request target (Zeek escaped text form);
    /// `version` is `1.1`, `1.0`, ... or `0.9` when the line had no `HTTP/` part.
    case request(method: String, uri: [UInt8], version: String)
    /// A status line. HTTP/0.9 replies (no status line) report code 0, version `0.9`.
    case reply(version: String, code: UInt16, reason: String)
    /// One header (continuation lines already folded in), value trimmed.
    case header(name: String, value: String)
    /// End of the header block.
    case headersDone
    /// `count` body bytes (after de-chunking).
    case body(count: Int)
    /// The message (headers and body) is complete.
    case messageDone
    /// A request-side line that is not a valid request line (Zeek: `bad_HTTP_request`);
    /// the parser skips it and tries the next line.
    case invalidRequestLine
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

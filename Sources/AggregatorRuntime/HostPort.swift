/// A `HOST:PORT` command-line address (`[::1]:7070` for IPv6).
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address literal, without brackets.
    public var host: String
    /// TCP port, 0...65535.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` or `[V6]:PORT`.
    /// - Throws: ``HostPortError`` when the text has no host, no port or a port out of range.
    public init(parsing text: String) throws(HostPortError) {
        guard let colon = text.lastIndex(of: ":") else { throw HostPortError(text: text) }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw HostPortError(text: text)
        }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A malformed `HOST:PORT`.
public struct HostPortError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text given.
    public var text: String
    public var description: String { "expected HOST:PORT, got \"\(text)\"" }
}

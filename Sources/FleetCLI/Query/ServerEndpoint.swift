/// The aggregator's query API address, from `host:port`, `[v6]:port` or `http://host:port`.
public struct ServerEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address (without brackets).
    public var host: String
    /// TCP port.
    public var port: Int

    /// The default when nothing is configured.
    public static let defaultEndpoint = ServerEndpoint(host: "127.0.0.1", port: 7071)

    /// An endpoint.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port` or `http://host:port[/]`.
    /// - Throws: ``FleetctlError`` naming the text.
    public init(parsing text: String) throws(FleetctlError) {
        var rest = Substring(text.trimmingWhitespace)
        if rest.hasPrefix("https://") {
            throw FleetctlError("server \(text): https is not supported yet; use http://HOST:PORT", exitCode: 2)
        }
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw FleetctlError("server \(text): expected [ADDRESS]:PORT", exitCode: 2)
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else {
                throw FleetctlError("server \(text): expected HOST:PORT", exitCode: 2)
            }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port) else {
            throw FleetctlError("server \(text): expected HOST:PORT with a port 1...65535", exitCode: 2)
        }
        self.init(host: String(host), port: port)
    }

    /// The `Host` header value.
    var hostHeader: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var description: String { hostHeader }
}

extension String {
    var trimmingWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}

import NIOCore

/// A bare HTTP/1.1 client over loopback: sends raw request bytes, returns everything the server
/// wrote before closing, split into status code, headers and body. For tests of the agent's
/// metrics endpoint and the aggregator's query API.
public enum HTTPProbe {
    /// What the server answered.
    public struct Response: Sendable {
        /// Status code of the status line (0 when there was none).
        public var status: Int
        /// Header fields, names lowercased.
        public var headers: [String: String]
        /// Everything after the header block.
        public var body: String
    }

    /// Sends `request` (raw text) to 127.0.0.1:`port` and reads until the server closes.
    public static func send(port: Int, _ request: String) async throws -> Response {
        try await send(port: port, bytes: Array(request.utf8))
    }

    /// Sends raw `bytes` to 127.0.0.1:`port` and reads until the server closes.
    public static func send(port: Int, bytes: [UInt8]) async throws -> Response {
        let received = try await LoopbackExchange.bytes(port: port, sending: [bytes], toleratingWriteFailure: true)
        let text = String(decoding: received.readableBytesView, as: UTF8.self)
        let parts = text.split(separator: "\r\n\r\n", maxSplits: 1, omittingEmptySubsequences: false)
        let head = parts.first.map(String.init) ?? ""
        var lines = head.split(separator: "\r\n").map(String.init)
        let statusLine = lines.isEmpty ? "" : lines.removeFirst()
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingPrefix(" ").description
        }
        return Response(status: status, headers: headers, body: parts.count > 1 ? String(parts[1]) : "")
    }

    /// Parses the Prometheus text exposition format: `name{labels} value` lines → value by series.
    public static func samples(_ exposition: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}

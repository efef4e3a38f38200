import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client for the aggregator's query API (GET only), built on NIO: one
/// connection per request, the body handed on line by line as it streams in, so a large result
/// is never held in memory.
public struct APIClient: Sendable {
    /// Where the API listens.
    public let endpoint: ServerEndpoint
    /// The bearer token.
    public let token: String?
    /// Longest accepted line (a record is far smaller).
    public static let maximumLineLength = 4 << 20

    /// A client for `endpoint`.
    public init(endpoint: ServerEndpoint, token: String?) {
        self.endpoint = endpoint
        self.token = token
    }

    /// GETs `path` (with its query string) and calls `onLine` with each line of a 200 body.
    /// - Throws: ``FleetctlError`` with a one-line message for an unreachable server, 401, a 4xx/5xx
    ///   (the server's JSON `error` text), or a response cut short.
    public func get(_ path: String, onLine: (ArraySlice<UInt8>) throws -> Void) async throws {
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw FleetctlError("cannot reach the aggregator at \(endpoint) (\(Self.reason(error)))")
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.hostHeader)
        headers.add(name: "Accept", value: "application/x-ndjson")
        headers.add(name: "Connection", value: "close")
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        let endpoint = endpoint
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(.head(head))
                try await outbound.write(.end(nil))
                var status: HTTPResponseStatus?
                var pending: [UInt8] = []
                var errorBody: [UInt8] = []
                for try await part in inbound {
                    switch part {
                    case .head(let responseHead):
                        status = responseHead.status
                    case .body(let buffer):
                        if status == .ok {
                            pending += buffer.readableBytesView
                            var start = pending.startIndex
                            while let newline = pending[start...].firstIndex(of: 0x0a) {
                                try onLine(pending[start..<newline])
                                start = newline + 1
                            }
                            pending.removeSubrange(..<start)
                            guard pending.count <= Self.maximumLineLength else {
                                throw FleetctlError("the aggregator sent a line over \(Self.maximumLineLength) bytes")
                            }
                        } else if errorBody.count < 65_536 {
                            errorBody += buffer.readableBytesView
                        }
                    case .end:
                        guard let status else { throw FleetctlError("the aggregator sent no response") }
                        guard status == .ok else { throw Self.statusError(status, body: errorBody, endpoint: endpoint) }
                        if !pending.isEmpty { try onLine(pending[...]) }
                        return
                    }
                }
                throw FleetctlError("the aggregator at \(endpoint) closed the connection before the response ended")
            }
        } catch let error as FleetctlError {
            throw error
        } catch {
            throw FleetctlError("request to \(endpoint) failed (\(Self.reason(error)))")
        }
    }

    static func statusError(_ status: HTTPResponseStatus, body: [UInt8], endpoint: ServerEndpoint) -> FleetctlError {
        let detail = ErrorBody.message(body)
        switch status {
        case .unauthorized:
            return FleetctlError("the aggregator at \(endpoint) refused the token (401): check --token, FLEET_TOKEN or the config file")
        case .badRequest:
            return FleetctlError("bad request: \(detail ?? "400")", exitCode: 2)
        default:
            return FleetctlError("the aggregator answered \(status.code) \(status.reasonPhrase)" + (detail.map { ": \($0)" } ?? ""))
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? IOError {
            switch error.errnoCode {
            case 111: return "connection refused"
            case 113, 101: return "no route to host"
            default: return "\(error)"
            }
        }
        if error is ChannelError { return "\(error)" }
        let text = "\(error)"
        if text.contains("connectTimeout") { return "timed out" }
        if text.lowercased().contains("refused") { return "connection refused" }
        return text
    }
}

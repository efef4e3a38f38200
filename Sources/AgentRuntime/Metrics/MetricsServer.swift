public import Logging
public import NIOCore
import NIOHTTP1
public import NIOPosix

/// A tiny HTTP/1.1 server for Prometheus scrapes: `GET /metrics` (text exposition format) and
/// `GET /healthz` (`ok`). Anything else: 404 for an unknown path, 405 for another method, 414 for
/// a target over ``maxTargetBytes``, 413 for a request body over ``maxBodyBytes``, 400 for a
/// malformed request (or headers over NIO's parser limit). One request per connection
/// (`Connection: close`); a connection idle for ``idleTimeout`` is closed.
///
/// Everything runs on the event loop: rendering is a quick copy of the registry's values.
public struct MetricsServer: Sendable {
    /// Longest request target accepted.
    public static let maxTargetBytes = 1024
    /// Largest request body accepted (scrapes have none).
    public static let maxBodyBytes = 1024
    /// How long a connection may stay silent.
    public static let idleTimeout = TimeAmount.seconds(10)

    /// The port the server is bound to.
    public let port: Int
    private let channel: any Channel

    /// Binds the endpoint and starts answering `/metrics` with `render()`.
    /// - Parameters:
    ///   - port: 0 picks a free port (see ``port``).
    /// - Throws: NIO's error when the address cannot be bound.
    public static func bind(
        host: String, port: Int, logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        render: @escaping @Sendable () -> [UInt8]
    ) async throws -> MetricsServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: Self.idleTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsRequestHandler(render: render))
                }
            }
            .bind(host: host, port: port).get()
        let bound = channel.localAddress?.port ?? port
        logger.info("metrics endpoint listening", metadata: ["metrics.address": "\(host):\(bound)"])
        return MetricsServer(port: bound, channel: channel)
    }

    /// Serves until the task is cancelled (or ``close()``), then closes the listening socket.
    public func run() async {
        let channel = self.channel
        await withTaskCancellationHandler {
            try? await channel.closeFuture.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// Stops listening.
    public func close() { channel.close(promise: nil) }
}

/// Answers one request per connection; see ``MetricsServer``.
final class MetricsRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case reading(HTTPRequestHead, bodyBytes: Int)
        case rejected
        case done
    }

    private let render: @Sendable () -> [UInt8]
    private var state = State.idle

    init(render: @escaping @Sendable () -> [UInt8]) { self.render = render }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .idle = state else { return }
            if head.uri.utf8.count > MetricsServer.maxTargetBytes {
                state = .rejected
                respond(context: context, status: .uriTooLong, body: "request target too long\n")
            } else {
                state = .reading(head, bodyBytes: 0)
            }
        case .body(let chunk):
            guard case .reading(let head, let bytes) = state else { return }
            let total = bytes + chunk.readableBytes
            if total > MetricsServer.maxBodyBytes {
                state = .rejected
                respond(context: context, status: .payloadTooLarge, body: "request body too large\n")
            } else {
                state = .reading(head, bodyBytes: total)
            }
        case .end:
            guard case .reading(let head, _) = state else { return }
            state = .done
            answer(context: context, head: head)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A malformed request: NIO's protocol error handler has already answered 400.
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func answer(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        switch path {
        case "/metrics", "/healthz":
            guard head.method == .GET || head.method == .HEAD else {
                respond(context: context, status: .methodNotAllowed, body: "only GET\n", extra: [("Allow", "GET, HEAD")])
                return
            }
            if path == "/metrics" {
                respond(
                    context: context, status: .ok, bytes: render(),
                    contentType: "text/plain; version=0.0.4; charset=utf-8", omitBody: head.method == .HEAD)
            } else {
                respond(context: context, status: .ok, body: "ok\n", omitBody: head.method == .HEAD)
            }
        default:
            respond(context: context, status: .notFound, body: "not found\n")
        }
    }

    private func respond(
        context: ChannelHandlerContext, status: HTTPResponseStatus, body: String, extra: [(String, String)] = [],
        omitBody: Bool = false
    ) {
        respond(context: context, status: status, bytes: Array(body.utf8), contentType: "text/plain; charset=utf-8",
                extra: extra, omitBody: omitBody)
    }

    private func respond(
        context: ChannelHandlerContext, status: HTTPResponseStatus, bytes: [UInt8], contentType: String,
        extra: [(String, String)] = [], omitBody: Bool = false
    ) {
        var headers = HTTPHeaders([
            ("Content-Type", contentType), ("Content-Length", "\(bytes.count)"), ("Connection", "close"),
        ])
        headers.add(contentsOf: extra)
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !omitBody {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

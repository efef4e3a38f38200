import Synchronization
public import FleetWire
public import Logging
public import NIOCore
public import NIOPosix
public import NIOSSL
public import Storage

/// Settings of an ``IngestServer``.
public struct IngestServerConfiguration: Sendable {
    /// Address to listen on (e.g. `127.0.0.1`, `0.0.0.0`).
    public var host: String
    /// TCP port; 0 picks a free one (read it back from ``IngestServer/localPort``).
    public var port: Int
    /// Who may open a session.
    public var authenticator: AgentAuthenticator
    /// Limits enforced on every incoming frame.
    public var limits: WireLimits
    /// TLS server context (``IngestTLS/serverContext(certificatePath:privateKeyPath:)``); nil means
    /// plain TCP, which callers must only allow when explicitly asked for.
    public var tls: NIOSSLContext?
    /// A connection that has not completed its hello by then gets an Error frame and is closed.
    public var helloTimeout: Duration
    /// Group commit and writer-queue bounds (backpressure).
    public var writer: IngestWriter.Configuration = IngestWriter.Configuration()
    /// Decoded frames buffered per connection before the server stops reading from that agent.
    public var inboundFrameBuffer: Int = 2

    /// Creates a configuration (hello timeout 10 s by default).
    public init(
        host: String, port: Int, authenticator: AgentAuthenticator, limits: WireLimits = .standard,
        tls: NIOSSLContext? = nil, helloTimeout: Duration = .seconds(10)
    ) {
        self.helloTimeout = helloTimeout
        self.host = host
        self.port = port
        self.authenticator = authenticator
        self.limits = limits
        self.tls = tls
    }
}

/// The aggregator's ingest endpoint: a TCP server speaking the FleetWire session protocol
/// (Hello → Ack or Error, then Batch → Ack repeated) with any number of agents at once.
///
/// Each batch is committed through ``FlowStore/ingest(_:)`` before its Ack is sent, so an Ack means
/// "durably stored". Undecodable, oversized or unexpected input is answered with an Error frame,
/// counted and logged, and only that connection is closed.
///
/// Create with ``bind(configuration:store:group:logger:)``, then call ``run()`` in a task; cancel
/// that task (or call ``close()``) to stop. Connections are handled in one discarding task group,
/// one child task each; NIO handlers only frame, the session logic is ``IngestSession``.
public final class IngestServer: Sendable {
    /// Counters, readable while the server runs.
    public let counters: IngestCounters
    /// The port the server is bound to.
    public let localPort: Int

    private let serverChannel: NIOAsyncChannel<NIOAsyncChannel<WireMessage, WireMessage>, Never>
    private let store: any FlowStore
    private let writer: IngestWriter
    private let configuration: IngestServerConfiguration
    private let observer: (any IngestObserver)?
    private let logger: Logger

    private init(
        serverChannel: NIOAsyncChannel<NIOAsyncChannel<WireMessage, WireMessage>, Never>, localPort: Int,
        store: any FlowStore, configuration: IngestServerConfiguration, observer: (any IngestObserver)?, logger: Logger
    ) {
        self.observer = observer
        self.serverChannel = serverChannel
        self.localPort = localPort
        self.store = store
        self.configuration = configuration
        self.logger = logger
        let counters = IngestCounters()
        self.counters = counters
        writer = IngestWriter(store: store, configuration: configuration.writer, counters: counters)
    }

    /// Binds the listening socket.
    /// - Parameters:
    ///   - store: where batches are committed; must be migrated already.
    ///   - group: the event loops (e.g. `MultiThreadedEventLoopGroup.singleton`).
    ///   - observer: told about every registration and committed batch (e.g. the ``DetectionService``).
    /// - Throws: NIO's error when the address cannot be bound.
    public static func bind(
        configuration: IngestServerConfiguration, store: any FlowStore,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, observer: (any IngestObserver)? = nil,
        logger: Logger
    ) async throws -> IngestServer {
        let limits = configuration.limits
        let tls = configuration.tls
        let buffered = max(1, configuration.inboundFrameBuffer)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // A peer that half-closes mid-frame still gets its Error frame (truncated frame).
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: configuration.host, port: configuration.port) { child in
                child.eventLoop.makeCompletedFuture {
                    if let tls { try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(WireMessageDecoder(limits: limits)))
                    try child.pipeline.syncOperations.addHandler(MessageToByteHandler(WireMessageEncoder()))
                    // A small inbound buffer: a session waiting for the writer stops reading soon.
                    return try NIOAsyncChannel<WireMessage, WireMessage>(
                        wrappingChannelSynchronously: child,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: max(1, buffered / 2), highWatermark: buffered)))
                }
            }
        let port = channel.channel.localAddress?.port ?? configuration.port
        logger.info("ingest server listening", metadata: [
            "listen.host": "\(configuration.host)", "listen.port": "\(port)", "listen.tls": "\(tls != nil)",
        ])
        return IngestServer(
            serverChannel: channel, localPort: port, store: store, configuration: configuration, observer: observer,
            logger: logger)
    }

    /// Accepts and serves connections until the task is cancelled or ``close()`` is called.
    /// Open sessions end with the server (their agents reconnect elsewhere or later).
    public func run() async throws {
        try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await self.writer.run() }
                try await serverChannel.executeThenClose { inbound in
                    for try await connection in inbound {
                        counters.connectionsAccepted.add(1, ordering: .relaxed)
                        group.addTask {
                            await self.serve(connection)
                        }
                    }
                }
                group.cancelAll()
            }
        } onCancel: {
            serverChannel.channel.close(promise: nil)
        }
        logger.info("ingest server stopped", metadata: ["listen.port": "\(localPort)"])
    }

    /// Stops accepting connections; ``run()`` then returns once open sessions end (cancel the
    /// task running ``run()`` to end them at once).
    public func close() {
        serverChannel.channel.close(promise: nil)
    }

    private func serve(_ connection: NIOAsyncChannel<WireMessage, WireMessage>) async {
        var logger = self.logger
        logger[metadataKey: "peer"] = "\(connection.channel.remoteAddress.map { "\($0)" } ?? "?")"
        let channel = connection.channel
        let counters = self.counters
        let timeout = configuration.helloTimeout
        let timeoutLogger = logger
        let helloTimer = channel.eventLoop.scheduleTask(
            in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        ) {
            counters.protocolErrors.add(1, ordering: .relaxed)
            timeoutLogger.warning("no hello in time; closing connection", metadata: ["timeout": "\(timeout)"])
            channel.writeAndFlush(
                WireMessage.error(WireError(code: .unauthenticated, message: "no hello within \(timeout)")), promise: nil)
            channel.close(promise: nil)
        }
        defer { helloTimer.cancel() }
        do {
            try await withTaskCancellationHandler {
                try await connection.executeThenClose { inbound, outbound in
                    var session = IngestSession(
                        store: store, writer: writer, authenticator: configuration.authenticator,
                        counters: counters, observer: observer, logger: logger)
                    do {
                        for try await message in inbound {
                            let outcome = await session.handle(message)
                            if session.agentID != nil { helloTimer.cancel() }
                            if let reply = outcome.reply { try await outbound.write(reply) }
                            if outcome.close { return }
                        }
                    } catch let error as WireCodecError {
                        counters.protocolErrors.add(1, ordering: .relaxed)
                        logger.warning("rejected undecodable input; closing connection", metadata: [
                            "error": "\(error.message)", "agent.id": "\(session.agentID ?? "-")",
                        ])
                        try? await outbound.write(.error(error.wireError))
                    }
                }
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch let error where error is NIOSSLError || error is BoringSSLError {
            counters.tlsFailures.add(1, ordering: .relaxed)
            logger.warning("TLS handshake or record failed; connection closed", metadata: ["error": "\(error)"])
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }
}

import NIOCore
import NIOPosix
import Synchronization

/// Loopback peers for failover tests: a port nobody listens on, and a server that accepts
/// connections but never answers (a hung aggregator).
public enum LoopbackPeers {
    /// A port on 127.0.0.1 that was free a moment ago (bound, then closed): connects are refused.
    public static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    /// Accepts connections on 127.0.0.1, reads and drops whatever arrives, never writes.
    /// Thread-safe; call ``close()`` when done (it closes the accepted connections too).
    public final class SilentServer: Sendable {
        /// Connections accepted, shared with the NIO child initializer.
        private final class Accepted: Sendable {
            let channels = Mutex<[any Channel]>([])
        }

        /// The listening port.
        public let port: Int
        private let listener: any Channel
        private let accepted: Accepted

        /// Connections accepted so far.
        public var connectionsAccepted: Int { accepted.channels.withLock { $0.count } }

        private init(port: Int, listener: any Channel, accepted: Accepted) {
            self.port = port
            self.listener = listener
            self.accepted = accepted
        }

        /// Binds an ephemeral port.
        public static func start() async throws -> SilentServer {
            let accepted = Accepted()
            let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { child in
                    accepted.channels.withLock { $0.append(child) }
                    return child.eventLoop.makeSucceededVoidFuture()
                }
                .bind(host: "127.0.0.1", port: 0).get()
            return SilentServer(port: listener.localAddress?.port ?? 0, listener: listener, accepted: accepted)
        }

        /// Stops listening and closes every accepted connection.
        public func close() {
            listener.close(promise: nil)
            for child in accepted.channels.withLock({ $0 }) { child.close(promise: nil) }
        }
    }
}

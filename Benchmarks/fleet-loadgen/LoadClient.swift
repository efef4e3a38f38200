import FleetWire
import NIOCore
import NIOPosix

/// One simulated agent connection: hello, then its batches with at most `window` unacknowledged,
/// timing each batch from write to Ack.
struct LoadClient: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    typealias Connection = NIOAsyncChannel<WireMessage, ByteBuffer>

    /// Connects and completes the hello; the returned channel is ready for batches.
    static func connect(host: String, port: Int, agent: Workload.Agent, group: any EventLoopGroup) async throws -> Connection {
        var lastError: (any Error)?
        for _ in 0..<5 {
            do {
                let channel = try await ClientBootstrap(group: group)
                    .connectTimeout(.seconds(10))
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connect(host: host, port: port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                ByteToMessageHandler(WireMessageDecoder(limits: .standard)))
                            return try Connection(wrappingChannelSynchronously: channel)
                        }
                    }
                return channel
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        throw lastError ?? Failure(description: "cannot connect")
    }

    /// Sends the hello and the batches; returns each batch's ack latency in nanoseconds.
    /// `start` is awaited after the hello so every agent begins at once.
    static func run(
        _ connection: Connection, agent: Workload.Agent, window: Int, start: @Sendable () async -> Void
    ) async throws -> [UInt64] {
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            try await outbound.write(agent.hello)
            guard case .ack? = try await iterator.next() else {
                throw Failure(description: "\(agent.id): hello not acknowledged")
            }
            await start()
            var latencies: [UInt64] = []
            latencies.reserveCapacity(agent.frames.count)
            var sentAt: [ContinuousClock.Instant] = []
            var next = 0
            while latencies.count < agent.frames.count {
                while next < agent.frames.count && next - latencies.count < window {
                    sentAt.append(ContinuousClock.now)
                    try await outbound.write(agent.frames[next])
                    next += 1
                }
                switch try await iterator.next() {
                case .ack(let ack)?:
                    guard ack.status == .ok, ack.sequence == UInt64(latencies.count + 1) else {
                        throw Failure(description: "\(agent.id): unexpected ack \(ack)")
                    }
                    latencies.append(Nanoseconds.of(ContinuousClock.now - sentAt[latencies.count]))
                case .error(let error)?:
                    throw Failure(description: "\(agent.id): aggregator error \(error.message)")
                default:
                    throw Failure(description: "\(agent.id): connection ended early")
                }
            }
            return latencies
        }
    }
}

/// Duration conversions.
enum Nanoseconds {
    static func of(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds / 1_000_000_000))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

import FleetWire
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A live session's write side, handed from the connection task to the shipper.
struct ShipperConnection: Sendable {
    let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel
    /// The session's acknowledgement deadline (nil: ``ShipperConfiguration/ackTimeout`` is off).
    let watchdog: AckWatchdog?

    func close() { channel.close(promise: nil) }
}

/// Set once the hello deadline closed the connection (so the reason says so).
private final class HelloDeadline: Sendable {
    let fired = Atomic<Bool>(false)
}

/// Opens one connection to one aggregator endpoint, says hello, then reports acknowledgements to
/// the shipper until the connection ends. Protocol framing stays in NIO handlers.
///
/// Two deadlines guard the session: the hello's reply must come within the connect timeout, and
/// once established, batches outstanding must see an acknowledgement at least every
/// ``ShipperConfiguration/ackTimeout`` (``AckWatchdog``). An idle session (nothing outstanding)
/// has no deadline: the protocol has no heartbeat, and an agent may be quiet for hours.
struct ShipperConnector: Sendable {
    let configuration: ShipperConfiguration
    let endpoint: ShipperEndpoint
    let group: any EventLoopGroup
    let logger: Logger

    /// `duration` as a NIO time amount (at least one millisecond).
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let nanoseconds = overflow ? Int64.max : scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
        return .nanoseconds(max(1_000_000, nanoseconds))
    }

    func run(id: Int, nextSequence: UInt64, events: AsyncStream<Shipper.Event>.Continuation) async {
        do {
            let limits = configuration.codec.limits
            let tls = configuration.tls
            let serverHostname = tls?.serverHostname ?? endpoint.serverHostname
            let timeout = configuration.connectTimeout
            let started = ContinuousClock.now
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(Self.timeAmount(timeout))
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls.context, serverHostname: serverHostname))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WireMessageDecoder(limits: limits)))
                        return try NIOAsyncChannel<WireMessage, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            // The hello's reply must come within what is left of the connect timeout: an aggregator
            // that accepts but never answers (hung, its store locked) must not hold the agent.
            let deadline = HelloDeadline()
            let rawChannel = channel.channel
            let helloTimer = rawChannel.eventLoop.scheduleTask(
                in: Self.timeAmount(timeout - started.duration(to: .now))
            ) {
                deadline.fired.store(true, ordering: .relaxed)
                rawChannel.close(promise: nil)
            }
            defer { helloTimer.cancel() }
            let watchdog = configuration.ackTimeout.map { AckWatchdog(timeout: $0, channel: rawChannel) }
            defer { watchdog?.stop() }
            let reason: String
            do {
                reason = try await session(
                    channel, id: id, nextSequence: nextSequence, deadline: deadline, helloTimer: helloTimer,
                    watchdog: watchdog, events: events)
            } catch where watchdog?.expiredAfter != nil {
                // The deadline's close made the read or write fail: its reason is the real one.
                reason = ""
            }
            if watchdog?.expiredAfter != nil, let timeout = watchdog?.timeout {
                events.yield(.connectionEnded(
                    id: id, reason: "no acknowledgement for \(Self.describe(timeout))", ackTimedOut: true))
                return
            }
            events.yield(.connectionEnded(id: id, reason: reason))
        } catch {
            events.yield(.connectionEnded(id: id, reason: "\(error)"))
        }
    }

    /// Says hello and relays acknowledgements until the session ends; returns why it ended.
    private func session(
        _ channel: NIOAsyncChannel<WireMessage, ByteBuffer>, id: Int, nextSequence: UInt64, deadline: HelloDeadline,
        helloTimer: Scheduled<Void>, watchdog: AckWatchdog?, events: AsyncStream<Shipper.Event>.Continuation
    ) async throws -> String {
        let timeout = configuration.connectTimeout
        return try await channel.executeThenClose { inbound, outbound in
            var hello = ByteBuffer()
            try configuration.codec.write(.hello(WireHello(
                agentID: configuration.agentID, token: configuration.token, hostname: configuration.hostname,
                agentVersion: configuration.agentVersion, cloudProvider: configuration.cloudProvider,
                instanceID: configuration.instanceID, interfaceAddresses: configuration.interfaceAddresses,
                vpcCIDRs: configuration.vpcCIDRs, nextSequence: nextSequence)), to: &hello)
            try await outbound.write(hello)
            var iterator = inbound.makeAsyncIterator()
            let reply: WireMessage?
            do {
                reply = try await iterator.next()
            } catch where deadline.fired.load(ordering: .relaxed) {
                reply = nil
            }
            helloTimer.cancel()
            if deadline.fired.load(ordering: .relaxed) { return "no reply to the hello within \(timeout)" }
            switch reply {
            case .ack(let ack)?:
                events.yield(.connected(
                    id: id, connection: ShipperConnection(writer: outbound, channel: channel.channel, watchdog: watchdog),
                    lastCommitted: ack.lastCommittedSequence ?? ack.sequence))
            case .error(let error)?:
                return "aggregator rejected the hello: \(error.message)"
            case nil:
                return "aggregator closed the connection during the hello"
            default:
                return "unexpected reply to the hello"
            }
            while let message = try await iterator.next() {
                switch message {
                case .ack(let ack):
                    watchdog?.acknowledged(through: ack.sequence)
                    events.yield(.ack(id: id, sequence: ack.sequence))
                case .error(let error):
                    return "aggregator error: \(error.message)"
                case .hello, .batch:
                    return "unexpected message from the aggregator"
                }
            }
            return "aggregator closed the connection"
        }
    }

    /// `30 s`, `1.5 s`, `250 ms`: a timeout as operators write it.
    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds < 1_000 || milliseconds % 100 != 0 { return "\(milliseconds) ms" }
        if milliseconds % 1_000 == 0 { return "\(milliseconds / 1_000) s" }
        return "\(milliseconds / 1_000).\(milliseconds % 1_000 / 100) s"
    }
}

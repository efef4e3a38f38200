import FleetWire
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// A live session's write side, handed from the connection task to the shipper.
struct ShipperConnection: Sendable {
    let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel

    func close() { channel.close(promise: nil) }
}

/// Opens one connection to the aggregator, says hello, then reports acknowledgements to the
/// shipper until the connection ends. Protocol framing stays in NIO handlers.
struct ShipperConnector: Sendable {
    let configuration: ShipperConfiguration
    let group: any EventLoopGroup
    let logger: Logger

    func run(id: Int, nextSequence: UInt64, events: AsyncStream<Shipper.Event>.Continuation) async {
        do {
            let limits = configuration.codec.limits
            let tls = configuration.tls
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount.nanoseconds(Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000))
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WireMessageDecoder(limits: limits)))
                        return try NIOAsyncChannel<WireMessage, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            let reason = try await channel.executeThenClose { inbound, outbound in
                var hello = ByteBuffer()
                try configuration.codec.write(.hello(WireHello(
                    agentID: configuration.agentID, token: configuration.token, hostname: configuration.hostname,
                    agentVersion: configuration.agentVersion, cloudProvider: configuration.cloudProvider,
                    instanceID: configuration.instanceID, interfaceAddresses: configuration.interfaceAddresses,
                    vpcCIDRs: configuration.vpcCIDRs, nextSequence: nextSequence)), to: &hello)
                try await outbound.write(hello)
                var iterator = inbound.makeAsyncIterator()
                switch try await iterator.next() {
                case .ack(let ack)?:
                    events.yield(.connected(
                        id: id, connection: ShipperConnection(writer: outbound, channel: channel.channel),
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
                        events.yield(.ack(id: id, sequence: ack.sequence))
                    case .error(let error):
                        return "aggregator error: \(error.message)"
                    case .hello, .batch:
                        return "unexpected message from the aggregator"
                    }
                }
                return "aggregator closed the connection"
            }
            events.yield(.connectionEnded(id: id, reason: reason))
        } catch {
            events.yield(.connectionEnded(id: id, reason: "\(error)"))
        }
    }
}

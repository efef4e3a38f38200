import FleetWire
import NIOCore
import NIOPosix

/// A bare TCP client for hostile-input tests: sends raw bytes and collects what the server answers
/// until it closes the connection.
enum RawClient {
    /// Sends `chunks` (optionally half-closing afterwards) and returns every message received
    /// before the server closed, plus undecodable trailing bytes count.
    static func exchange(
        port: Int, _ chunks: [[UInt8]], halfClose: Bool = false, halfCloseAfter delay: Duration = .zero
    ) async throws -> [WireMessage] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        var received = ByteBuffer()
        try await channel.executeThenClose { inbound, outbound in
            for chunk in chunks { try await outbound.write(ByteBuffer(bytes: chunk)) }
            if halfClose {
                try await Task.sleep(for: delay)
                try await channel.channel.close(mode: .output)
            }
            do {
                for try await var buffer in inbound { received.writeBuffer(&buffer) }
            } catch {
                // Connection reset after the server's close: keep what arrived.
            }
        }
        let frames = WireFrameDecoder()
        let codec = WireCodec()
        var messages: [WireMessage] = []
        while let frame = try frames.readFrame(from: &received) { messages.append(try codec.decode(frame)) }
        return messages
    }

    /// A complete frame for `message`.
    static func frame(_ message: WireMessage, codec: WireCodec = WireCodec()) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try codec.write(message, to: &buffer)
        return Array(buffer.readableBytesView)
    }

    static func hello(agent: String = "agent-1", token: String = "secret", hostname: String = "h") -> WireMessage {
        .hello(WireHello(agentID: agent, token: token, hostname: hostname, agentVersion: "test"))
    }
}

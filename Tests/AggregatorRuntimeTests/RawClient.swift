import FleetTesting
import FleetWire
import NIOCore

/// A bare TCP client for hostile-input tests: sends raw bytes and collects what the server answers
/// until it closes the connection.
enum RawClient {
    /// Sends `chunks` (optionally half-closing afterwards) and returns every message received
    /// before the server closed, plus undecodable trailing bytes count.
    static func exchange(
        port: Int, _ chunks: [[UInt8]], halfClose: Bool = false, halfCloseAfter delay: Duration = .zero
    ) async throws -> [WireMessage] {
        var received = try await LoopbackExchange.bytes(
            port: port, sending: chunks, halfClose: halfClose, halfCloseAfter: delay)
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

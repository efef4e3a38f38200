public import NIOCore
import NIOPosix

/// A bare TCP exchange over loopback for tests of servers' input handling: connects to
/// 127.0.0.1, writes raw bytes, and collects everything the server writes until it closes.
public enum LoopbackExchange {
    /// Sends `chunks` to 127.0.0.1:`port`, one write each, optionally half-closing the connection
    /// `delay` after the last one, and returns every byte received before the server closed.
    ///
    /// - Parameter toleratingWriteFailure: keep reading when a write fails (a server that answers
    ///   and closes before reading the whole request); otherwise the failure is thrown.
    public static func bytes(
        port: Int, sending chunks: [[UInt8]], halfClose: Bool = false, halfCloseAfter delay: Duration = .zero,
        toleratingWriteFailure: Bool = false
    ) async throws -> ByteBuffer {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        var received = ByteBuffer()
        try await channel.executeThenClose { inbound, outbound in
            do {
                for chunk in chunks { try await outbound.write(ByteBuffer(bytes: chunk)) }
            } catch where toleratingWriteFailure {}
            if halfClose {
                try await Task.sleep(for: delay)
                try await channel.channel.close(mode: .output)
            }
            do {
                for try await var buffer in inbound { received.writeBuffer(&buffer) }
            } catch {
                // A reset after the server's close: keep what arrived.
            }
        }
        return received
    }
}

/// Batches of packets from a live capture or a file replay, in capture order.
///
/// Iterate it once. The sequence ends when the capture is stopped or the file ends, and throws
/// `CaptureError` when libpcap reports a read error (the batches before it were delivered).
/// Ending the iteration early (cancelling the task or dropping the iterator) stops the capture
/// thread.
public struct PacketBatchStream: AsyncSequence, Sendable {
    public typealias Element = PacketBatch

    let base: AsyncThrowingStream<PacketBatch, any Error>
    let gate: CreditGate

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), gate: gate)
    }

    /// Receives batches and returns each batch's credit to the capture thread.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<PacketBatch, any Error>.AsyncIterator
        let gate: CreditGate

        public mutating func next() async throws -> PacketBatch? {
            let batch = try await base.next()
            if batch != nil { gate.release() }
            return batch
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(any Error) -> PacketBatch? {
            let batch = try await base.next(isolation: actor)
            if batch != nil { gate.release() }
            return batch
        }
    }
}

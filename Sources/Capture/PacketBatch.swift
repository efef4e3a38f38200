public import FleetModel

/// A batch of captured packets with owned bytes: every frame of the batch lives in one
/// contiguous buffer, so a batch costs two allocations however many packets it holds.
///
/// Value type and `Sendable`: the capture thread builds it, async code consumes it.
public struct PacketBatch: Sendable {
    /// Where one packet sits in the batch's buffer.
    @usableFromInline
    struct Descriptor: Sendable {
        @usableFromInline var offset: Int
        @usableFromInline var capturedLength: Int
        @usableFromInline var wireLength: Int
        @usableFromInline var timestamp: NetworkTime
    }

    /// The capture's link-layer type (`DLT_*`), the same for every packet of the batch.
    public let linkType: Int32
    @usableFromInline var bytes: [UInt8]
    @usableFromInline var descriptors: [Descriptor]
    /// For the empty batch a live capture yields when a read times out: the wall-clock time of that read,
    /// i.e. packet time has reached it (a later packet is stamped later). Nil for every other batch.
    public var heartbeatTime: NetworkTime?

    /// An empty batch.
    ///
    /// - Parameters:
    ///   - linkType: the `DLT_*` value of the frames.
    ///   - reservingBytes: capacity to reserve for frame bytes (avoids regrowth while filling).
    ///   - reservingPackets: capacity to reserve for packet descriptors.
    public init(linkType: Int32, reservingBytes: Int = 0, reservingPackets: Int = 0) {
        self.linkType = linkType
        bytes = []
        descriptors = []
        bytes.reserveCapacity(max(0, reservingBytes))
        descriptors.reserveCapacity(max(0, reservingPackets))
    }

    /// Number of packets.
    public var count: Int { descriptors.count }
    public var isEmpty: Bool { descriptors.isEmpty }
    /// Captured bytes held (sum of captured lengths).
    public var byteCount: Int { bytes.count }

    /// Copies one frame into the batch.
    ///
    /// - Parameters:
    ///   - frame: the captured bytes (copied; the pointer is not retained).
    ///   - timestamp: capture time.
    ///   - wireLength: the frame's length on the wire (≥ captured length when truncated by snaplen).
    public mutating func append(frame: UnsafeRawBufferPointer, timestamp: NetworkTime, wireLength: Int) {
        let descriptor = Descriptor(
            offset: bytes.count, capturedLength: frame.count, wireLength: max(wireLength, frame.count),
            timestamp: timestamp
        )
        bytes.append(contentsOf: frame)
        descriptors.append(descriptor)
    }

    /// Timestamp of the packet at `index`, or nil when out of range.
    public func timestamp(at index: Int) -> NetworkTime? {
        descriptors.indices.contains(index) ? descriptors[index].timestamp : nil
    }

    /// Moves every packet's timestamp by `offset` (replaying an old capture as if it were recent).
    public mutating func shiftTimestamps(by offset: NetworkDuration) {
        for index in descriptors.indices { descriptors[index].timestamp = descriptors[index].timestamp + offset }
    }

    /// Calls `body` with each frame, in capture order.
    ///
    /// The buffer is only valid during the call.
    @inlinable
    public func forEach(
        _ body: (_ frame: UnsafeRawBufferPointer, _ timestamp: NetworkTime, _ wireLength: Int) throws -> Void
    ) rethrows {
        try bytes.withUnsafeBytes { raw in
            for descriptor in descriptors {
                let end = descriptor.offset + descriptor.capturedLength
                guard descriptor.offset >= 0, end <= raw.count else { continue }
                try body(UnsafeRawBufferPointer(rebasing: raw[descriptor.offset..<end]), descriptor.timestamp,
                         descriptor.wireLength)
            }
        }
    }
}

/// How the capture thread cuts packets into batches and how many batches may wait for the consumer.
public struct PacketBatchLimits: Sendable, Hashable {
    /// A batch is handed on once it holds this many packets.
    public var maxPackets: Int
    /// A batch is handed on before its buffer would exceed this many bytes (a single larger
    /// frame still travels alone).
    public var maxBytes: Int
    /// Batches that may wait for the consumer. A live capture drops (and counts) batches beyond
    /// this; a file replay waits instead.
    public var bufferedBatches: Int

    /// - Parameters: see the properties; values are clamped to at least 1.
    public init(maxPackets: Int = 1024, maxBytes: Int = 1 << 20, bufferedBatches: Int = 64) {
        self.maxPackets = max(1, maxPackets)
        self.maxBytes = max(1, maxBytes)
        self.bufferedBatches = max(1, bufferedBatches)
    }
}

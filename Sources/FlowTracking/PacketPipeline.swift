public import FleetModel
public import PacketLayers

/// Settings for the whole packet-to-record pipeline.
public struct PipelineConfiguration: Sendable {
    public var decoder = DecoderConfiguration()
    public var flows = FlowConfiguration()
    public init() {}
}

/// Counters the pipeline keeps (packets, flows, weirds).
public struct PipelineStatistics: Sendable, Hashable {
    public var decoder = DecoderCounters()
    public var flows = FlowCounters()
    public init() {}
}

/// Frames in, Zeek-style records out: decoder + flow tracker, driven by packet time.
///
/// Pure and synchronous: the caller owns the capture loop and drains records.
public struct PacketPipeline {
    @usableFromInline var decoder: PacketDecoder
    @usableFromInline var tracker: FlowTracker

    public init(configuration: PipelineConfiguration = PipelineConfiguration()) {
        decoder = PacketDecoder(configuration: configuration.decoder)
        tracker = FlowTracker(configuration: configuration.flows)
    }

    /// Processes one captured frame.
    ///
    /// - Parameters:
    ///   - frame: the captured bytes.
    ///   - wireLength: the frame's length on the wire (pcap's `len`), when known; it tells
    ///     a snaplen cut from a lying IP header (`truncated_IP_len`).
    ///   - linkType: the capture's link-layer type.
    ///   - timestamp: the capture timestamp (drives every timer).
    @inlinable
    public mutating func process(frame: UnsafeRawBufferPointer, wireLength: Int? = nil, linkType: LinkType, timestamp: NetworkTime) {
        decoder.decode(frame: frame, wireLength: wireLength, linkType: linkType, timestamp: timestamp, into: &tracker)
    }

    /// Advances packet time without a frame (a quiet live capture), expiring flows and emitting interim records.
    public mutating func advance(to time: NetworkTime) {
        tracker.advance(to: time)
    }

    /// Ends every open flow (end of input) so that its final records are emitted.
    public mutating func finish() {
        decoder.flushFragments()
        tracker.finishAll()
    }

    /// Returns the records completed so far and forgets them.
    public mutating func drain() -> RecordBatch {
        tracker.drain()
    }

    public var statistics: PipelineStatistics {
        var statistics = PipelineStatistics()
        statistics.decoder = decoder.counters
        statistics.flows = tracker.counters
        return statistics
    }
}

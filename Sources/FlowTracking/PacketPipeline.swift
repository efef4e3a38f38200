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
    private var decoder: PacketDecoder
    private var tracker: FlowTracker

    public init(configuration: PipelineConfiguration = PipelineConfiguration()) {
        decoder = PacketDecoder(configuration: configuration.decoder)
        tracker = FlowTracker(configuration: configuration.flows)
    }

    /// Processes one captured frame.
    public mutating func process(frame: UnsafeRawBufferPointer, linkType: LinkType, timestamp: NetworkTime) {
        decoder.decode(frame: frame, linkType: linkType, timestamp: timestamp, into: &tracker)
    }

    /// Ends every open flow (end of input) so that its final records are emitted.
    public mutating func finish() {
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

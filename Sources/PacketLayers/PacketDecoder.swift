public import FleetModel

/// Decodes captured frames down to IP and transport headers.
///
/// Pure: no I/O, no clock. Holds only fragment-reassembly state and counters.
public struct PacketDecoder {
    public let configuration: DecoderConfiguration
    public private(set) var counters = DecoderCounters()

    public init(configuration: DecoderConfiguration = DecoderConfiguration()) {
        self.configuration = configuration
    }

    /// Decodes one captured frame.
    ///
    /// - Parameters:
    ///   - frame: the captured bytes (possibly shorter than the wire length).
    ///   - linkType: the capture's link-layer type.
    ///   - timestamp: the capture timestamp.
    ///   - sink: receives the packets and weirds; called synchronously.
    public mutating func decode<Sink: PacketSink>(
        frame: UnsafeRawBufferPointer, linkType: LinkType, timestamp: NetworkTime, into sink: inout Sink
    ) {
        counters.frames += 1
        // Implemented by the PacketLayers work (issue 2).
    }
}

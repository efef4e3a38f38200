public import NIOCore

/// Decodes a byte stream straight into ``WireMessage``s: frames, inflates,
/// parses and validates, enforcing ``WireLimits``.
///
/// Any ``WireCodecError`` is fired down the pipeline as an error; the connection
/// should answer with a ``WireError`` and close. Runs on its channel's event loop.
public struct WireMessageDecoder: ByteToMessageDecoder {
    public typealias InboundOut = WireMessage

    private var frames: WireFrameDecoder
    private let codec: WireCodec

    /// Creates a decoder enforcing `limits`.
    public init(limits: WireLimits = .standard) {
        frames = WireFrameDecoder(limits: limits)
        codec = WireCodec(limits: limits)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try frames.readFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(try codec.decode(frame)))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        try WireFrameDecoder.rejectPartialFrame(in: &buffer, seenEOF: seenEOF)
        return .needMoreData
    }
}

/// Encodes ``WireMessage``s into frames (header and body) on the way out.
public struct WireMessageEncoder: MessageToByteEncoder {
    public typealias OutboundIn = WireMessage

    private let codec: WireCodec

    /// Creates an encoder using `codec`'s compression settings.
    public init(codec: WireCodec = WireCodec()) {
        self.codec = codec
    }

    public func encode(data: WireMessage, out: inout ByteBuffer) throws {
        try codec.write(data, to: &out)
    }
}

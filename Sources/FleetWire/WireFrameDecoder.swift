public import NIOCore

/// Splits a byte stream into ``WireFrame``s.
///
/// Rejects a frame as soon as its header announces a body over
/// ``WireLimits/maxFrameBytes`` or an unknown type, before buffering the body.
/// At end of stream, leftover bytes are a ``WireCodecError/truncatedFrame``.
/// Runs on its channel's event loop, like every `ByteToMessageDecoder`.
public struct WireFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = WireFrame

    /// Limits enforced on every frame header.
    public let limits: WireLimits

    /// Creates a decoder enforcing `limits`.
    public init(limits: WireLimits = .standard) {
        self.limits = limits
    }

    /// Reads one frame from `buffer` if it holds a complete one.
    /// - Throws: ``WireCodecError`` for an oversized frame or an unknown frame type.
    public func readFrame(from buffer: inout ByteBuffer) throws(WireCodecError) -> WireFrame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self),
              let rawType = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt8.self) else {
            return nil
        }
        guard UInt64(length) <= UInt64(max(limits.maxFrameBytes, 0)) else {
            throw WireCodecError.frameTooLarge.with(
                "frame announces \(length) bytes, limit is \(limits.maxFrameBytes)")
        }
        let type = WireFrame.FrameType(rawValue: rawType)
        guard type.isKnown else {
            throw WireCodecError.unknownFrameType.with("unknown frame type \(rawType)")
        }
        guard let body = buffer.getSlice(at: buffer.readerIndex + WireFrame.headerSize, length: Int(length)) else {
            return nil
        }
        buffer.moveReaderIndex(forwardBy: WireFrame.headerSize + Int(length))
        return WireFrame(type: type, body: body)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try readFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
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

extension WireFrameDecoder {
    /// At the end of a stream (`seenEOF`), bytes that do not make a whole frame are a truncated
    /// frame: they are consumed and reported.
    static func rejectPartialFrame(in buffer: inout ByteBuffer, seenEOF: Bool) throws {
        guard seenEOF && buffer.readableBytes > 0 else { return }
        let leftover = buffer.readableBytes
        buffer.moveReaderIndex(to: buffer.writerIndex)
        throw WireCodecError.truncatedFrame.with("stream ended \(leftover) bytes into a frame")
    }
}

/// Writes ``WireFrame``s: header, then body.
public struct WireFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = WireFrame

    /// Creates an encoder.
    public init() {}

    public func encode(data: WireFrame, out: inout ByteBuffer) throws {
        try Self.write(data, to: &out)
    }

    /// Appends `frame` to `out`.
    /// - Throws: ``WireCodecError/frameTooLarge`` when the body exceeds 4 GiB - 1.
    public static func write(_ frame: WireFrame, to out: inout ByteBuffer) throws(WireCodecError) {
        guard let length = UInt32(exactly: frame.body.readableBytes) else {
            throw WireCodecError.frameTooLarge.with("frame body of \(frame.body.readableBytes) bytes")
        }
        out.reserveCapacity(minimumWritableBytes: WireFrame.headerSize + Int(length))
        out.writeInteger(length, endianness: .big)
        out.writeInteger(frame.type.rawValue)
        var body = frame.body
        out.writeBuffer(&body)
    }
}

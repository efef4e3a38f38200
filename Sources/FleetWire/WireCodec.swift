public import NIOCore
internal import FleetProto
internal import SwiftProtobuf

/// Turns ``WireMessage``s into ``WireFrame``s and back, compressing large
/// bodies and enforcing ``WireLimits`` on the way in.
///
/// A value type with no shared state: safe to use from any thread.
public struct WireCodec: Sendable {
    /// Limits enforced when decoding.
    public var limits: WireLimits
    /// zlib level (1 fastest ... 9 smallest).
    public var compressionLevel: Int32
    /// Bodies of at least this many bytes are sent compressed.
    public var compressionThreshold: Int

    /// Creates a codec. Defaults: standard limits, zlib level 6, compress bodies of 512 bytes or more.
    public init(limits: WireLimits = .standard, compressionLevel: Int32 = 6, compressionThreshold: Int = 512) {
        self.limits = limits
        self.compressionLevel = compressionLevel
        self.compressionThreshold = compressionThreshold
    }

    /// Serializes `message` into a frame (compressed when large).
    /// - Throws: ``WireCodecError/compressionFailed`` or ``WireCodecError/invalidValue``
    ///   when the message cannot be serialized.
    public func encode(_ message: WireMessage, allocator: ByteBufferAllocator = ByteBufferAllocator())
        throws(WireCodecError) -> WireFrame
    {
        let serialized: [UInt8]
        do {
            serialized = try message.envelope().serializedBytes()
        } catch {
            throw WireCodecError.invalidValue.with("cannot serialize message: \(error)")
        }
        if serialized.count >= compressionThreshold {
            let level = compressionLevel
            let compressed = try serialized.withUnsafeBytes { bytes in
                Result { () throws(WireCodecError) in try Zlib.deflate(bytes, level: level) }
            }.get()
            return WireFrame(type: .compressedEnvelope, body: allocator.buffer(bytes: compressed))
        }
        return WireFrame(type: .envelope, body: allocator.buffer(bytes: serialized))
    }

    /// Serializes `message` as a complete frame (header and body) appended to `out`.
    public func write(_ message: WireMessage, to out: inout ByteBuffer) throws(WireCodecError) {
        try WireFrameEncoder.write(encode(message), to: &out)
    }

    /// Parses a frame's body into a message, enforcing the limits.
    /// - Throws: ``WireCodecError`` for an oversized, corrupt, malformed or invalid body.
    public func decode(_ frame: WireFrame) throws(WireCodecError) -> WireMessage {
        guard frame.body.readableBytes <= limits.maxFrameBytes else {
            throw WireCodecError.frameTooLarge.with(
                "frame body of \(frame.body.readableBytes) bytes, limit is \(limits.maxFrameBytes)")
        }
        let bytes: [UInt8]
        switch frame.type {
        case .envelope:
            guard frame.body.readableBytes <= limits.maxInflatedBytes else {
                throw WireCodecError.inflatedTooLarge.with("body of \(frame.body.readableBytes) bytes")
            }
            bytes = Array(frame.body.readableBytesView)
        case .compressedEnvelope:
            let limit = limits.maxInflatedBytes
            bytes = try frame.body.withUnsafeReadableBytes { raw in
                Result { () throws(WireCodecError) in try Zlib.inflate(raw, limit: limit) }
            }.get()
        default:
            throw WireCodecError.unknownFrameType.with("unknown frame type \(frame.type.rawValue)")
        }
        let envelope: Fleet_V1_Envelope
        do {
            envelope = try Fleet_V1_Envelope(serializedBytes: bytes)
        } catch {
            throw WireCodecError.malformedMessage.with("body is not a fleet.v1.Envelope: \(error)")
        }
        return try WireMessage(envelope: envelope, limits: limits)
    }
}

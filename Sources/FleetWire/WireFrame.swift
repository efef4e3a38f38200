public import NIOCore

/// One frame on the wire: `length (4 bytes, big-endian) | type (1 byte) | body`,
/// where `length` counts the body only.
public struct WireFrame: Sendable, Hashable {
    /// How the body is encoded.
    public struct FrameType: RawRepresentable, Sendable, Hashable {
        /// The type byte.
        public var rawValue: UInt8
        /// Wraps any type byte, known or not.
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// The body is a serialized `fleet.v1.Envelope`.
        public static let envelope = FrameType(rawValue: 1)
        /// The body is a zlib stream of a serialized `fleet.v1.Envelope`.
        public static let compressedEnvelope = FrameType(rawValue: 2)

        /// Types this version understands.
        public var isKnown: Bool { self == .envelope || self == .compressedEnvelope }
    }

    /// Bytes before the body: length and type.
    public static let headerSize = 5

    /// How `body` is encoded.
    public var type: FrameType
    /// The bytes after the header.
    public var body: ByteBuffer

    /// Creates a frame.
    public init(type: FrameType, body: ByteBuffer) {
        self.type = type
        self.body = body
    }
}

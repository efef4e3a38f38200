public import NIOCore

/// One frame on the wire: `length (4 bytes, big-endian) | type (1 byte) | body`,
/// where `length` counts the body only.
public struct WireFrame: Sendable, Hashable {
    /// How the body is encoded.
    public struct FrameType: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt8
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

    public var type: FrameType
    public var body: ByteBuffer

    public init(type: FrameType, body: ByteBuffer) {
        self.type = type
        self.body = body
    }
}

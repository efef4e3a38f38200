/// A fatal protocol or session error sent to the peer before closing.
///
/// This is a message on the wire, not a Swift `Error`; local decoding failures are
/// ``WireCodecError``.
public struct WireError: Sendable, Hashable {
    /// Error category. Unknown values from newer peers are kept.
    public struct Code: RawRepresentable, Sendable, Hashable {
        /// The `fleet.v1.Error.Code` number.
        public var rawValue: Int
        /// Wraps any code number, known or not.
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Not set by the sender.
        public static let unspecified = Code(rawValue: 0)
        /// Bad or missing token.
        public static let unauthenticated = Code(rawValue: 1)
        /// The peer's protocol version is not supported.
        public static let unsupportedVersion = Code(rawValue: 2)
        /// A frame or message could not be decoded.
        public static let malformed = Code(rawValue: 3)
        /// A frame, inflated body or batch exceeded a receiving limit.
        public static let limitExceeded = Code(rawValue: 4)
        /// A message arrived out of order (e.g. a batch before the hello).
        public static let unexpectedMessage = Code(rawValue: 5)
        /// The sender failed internally.
        public static let `internal` = Code(rawValue: 6)
        /// The sender is shutting down; reconnect later.
        public static let shuttingDown = Code(rawValue: 7)
    }

    /// Category.
    public var code: Code
    /// Human-readable detail.
    public var message: String

    /// Creates an error message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}

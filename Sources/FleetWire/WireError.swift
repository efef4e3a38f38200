/// A fatal protocol or session error sent to the peer before closing.
///
/// This is a message on the wire, not a Swift `Error`; local decoding failures are
/// ``WireCodecError``.
public struct WireError: Sendable, Hashable {
    /// Error category. Unknown values from newer peers are kept.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        public static let unspecified = Code(rawValue: 0)
        public static let unauthenticated = Code(rawValue: 1)
        public static let unsupportedVersion = Code(rawValue: 2)
        public static let malformed = Code(rawValue: 3)
        public static let limitExceeded = Code(rawValue: 4)
        public static let unexpectedMessage = Code(rawValue: 5)
        public static let `internal` = Code(rawValue: 6)
        public static let shuttingDown = Code(rawValue: 7)
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}

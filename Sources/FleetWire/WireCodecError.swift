/// A wire-format failure: a frame, compressed body or message that breaks the
/// protocol or a receiving limit.
///
/// Errors compare equal when they have the same kind, whatever their message,
/// so callers match them against the static kinds:
/// `if error == .frameTooLarge { ... }`.
public struct WireCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case frameTooLarge
        case unknownFrameType
        case truncatedFrame
        case inflatedTooLarge
        case corruptCompression
        case compressionFailed
        case malformedMessage
        case emptyEnvelope
        case tooManyRecords
        case invalidRecords
        case invalidValue
    }

    private let code: Code
    /// What went wrong, for logs and the peer's Error message.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "WireCodecError(\(code)): \(message)" }

    public static func == (lhs: WireCodecError, rhs: WireCodecError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A frame announced a body longer than the receiving limit.
    public static let frameTooLarge = WireCodecError(.frameTooLarge, "frame too large")
    /// A frame carried a type byte this version does not know.
    public static let unknownFrameType = WireCodecError(.unknownFrameType, "unknown frame type")
    /// The stream ended inside a frame.
    public static let truncatedFrame = WireCodecError(.truncatedFrame, "truncated frame")
    /// A compressed body inflates past the receiving limit.
    public static let inflatedTooLarge = WireCodecError(.inflatedTooLarge, "inflated body too large")
    /// A compressed body is not a valid, complete zlib stream.
    public static let corruptCompression = WireCodecError(.corruptCompression, "corrupt compressed body")
    /// zlib failed while compressing (out of memory or an internal error).
    public static let compressionFailed = WireCodecError(.compressionFailed, "compression failed")
    /// A body is not a valid protobuf Envelope.
    public static let malformedMessage = WireCodecError(.malformedMessage, "malformed message")
    /// An Envelope carried no message (or one this version does not know).
    public static let emptyEnvelope = WireCodecError(.emptyEnvelope, "empty envelope")
    /// A batch holds more records than the receiving limit.
    public static let tooManyRecords = WireCodecError(.tooManyRecords, "too many records")
    /// Record columns or tables are inconsistent (wrong lengths, bad references).
    public static let invalidRecords = WireCodecError(.invalidRecords, "invalid records")
    /// A field holds a value outside its domain (bad address length, enum, port).
    public static let invalidValue = WireCodecError(.invalidValue, "invalid value")

    /// The message to send the peer before closing: `limitExceeded` for limit
    /// violations, `malformed` for everything else.
    public var wireError: WireError {
        switch code {
        case .frameTooLarge, .inflatedTooLarge, .tooManyRecords:
            return WireError(code: .limitExceeded, message: message)
        case .compressionFailed:
            return WireError(code: .internal, message: message)
        default:
            return WireError(code: .malformed, message: message)
        }
    }

    /// The same kind with a specific message.
    func with(_ message: String) -> WireCodecError { WireCodecError(code, message) }
}

/// Why a capture could not be opened or read.
///
/// A struct wrapping a private code, so new cases can be added without breaking users.
public struct CaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case cannotOpen
        case readFailed
        case badFilter
        case activateFailed
        case invalidState
    }

    private let code: Code
    /// libpcap's own message, or ours.
    public let message: String

    public static func cannotOpen(_ message: String) -> CaptureError { CaptureError(code: .cannotOpen, message: message) }
    public static func readFailed(_ message: String) -> CaptureError { CaptureError(code: .readFailed, message: message) }
    public static func badFilter(_ message: String) -> CaptureError { CaptureError(code: .badFilter, message: message) }
    public static func activateFailed(_ message: String) -> CaptureError { CaptureError(code: .activateFailed, message: message) }

    public static func invalidState(_ message: String) -> CaptureError { CaptureError(code: .invalidState, message: message) }

    public var description: String { message }
}

/// A failure `fleetctl` reports as one line on stderr (`fleetctl: error: …`), never a stack trace.
public struct FleetctlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line printed after `fleetctl: error: `.
    public let message: String
    /// The process exit code (1: the request failed; 2: bad usage).
    public let exitCode: Int32

    /// An error with its message.
    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}

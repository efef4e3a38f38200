/// Why the spool could not do its job (directory unusable, disk full, …).
///
/// Damaged batch files are not errors: they are skipped and counted.
public struct SpoolError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case directory
        case write
        case read
    }

    private let code: Code
    /// What failed, with the path and the system's message.
    public let message: String

    static func directory(_ message: String) -> SpoolError { SpoolError(code: .directory, message: message) }
    static func write(_ message: String) -> SpoolError { SpoolError(code: .write, message: message) }
    static func read(_ message: String) -> SpoolError { SpoolError(code: .read, message: message) }

    /// The spool directory cannot be created, opened or listed.
    public var isDirectoryError: Bool { code == .directory }
    /// A batch or the reservation could not be written durably.
    public var isWriteError: Bool { code == .write }
    /// A batch file exists but could not be read (I/O error, not damage).
    public var isReadError: Bool { code == .read }

    public var description: String { message }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to the process's standard output and error without trapping.
///
/// Foundation's `FileHandle.write(_:)` traps when the write fails, and SIGPIPE is ignored in this
/// process (SwiftNIO ignores it for its sockets), so `fleetctl conn | head` ended in a crash with a
/// backtrace once `head` had read enough. Here a closed pipe on standard output ends the process
/// quietly with status 141, as SIGPIPE's default action would look to the shell; errors writing
/// standard error are ignored (there is nowhere left to report them).
enum StandardStreams {
    /// Exit status for a reader that went away (128 + SIGPIPE).
    static let brokenPipeStatus: Int32 = 141

    /// Writes all of `bytes` to standard output.
    static func output(_ bytes: [UInt8]) {
        if case .failure(let code) = writeAll(bytes, to: STDOUT_FILENO), code == EPIPE {
            exit(brokenPipeStatus)
        }
    }

    /// Writes `text` to standard error, best effort.
    static func error(_ text: String) {
        _ = writeAll(Array(text.utf8), to: STDERR_FILENO)
    }

    enum Outcome {
        case written
        case failure(Int32)
    }

    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Outcome {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                guard let base = buffer.baseAddress else { return .written }
                let count = write(descriptor, base + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return .failure(errno)
                }
                offset += count
            }
            return .written
        }
    }
}

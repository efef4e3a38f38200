#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin checked wrappers over POSIX file calls for the spool.
enum FileIO {
    static func errorText(_ code: Int32 = errno) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// Writes `parts` to `path` (created or truncated) and fsyncs it when `sync` is set.
    static func writeFile(_ path: String, parts: [[UInt8]], sync: Bool) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { return "open \(path): \(errorText())" }
        defer { close(descriptor) }
        for part in parts {
            let failure: String? = part.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    guard let base = raw.baseAddress else { return nil }
                    let written = write(descriptor, base + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return "write \(path): \(errorText())"
                    }
                    offset += written
                }
                return nil
            }
            if let failure { return failure }
        }
        if sync && fsync(descriptor) != 0 { return "fsync \(path): \(errorText())" }
        return nil
    }

    enum ReadResult {
        case bytes([UInt8])
        case missing
        case failed(String)
    }

    /// Reads at most `limit` bytes from the start of `path`.
    static func readFile(_ path: String, limit: Int) -> ReadResult {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return errno == ENOENT ? .missing : .failed("open \(path): \(errorText())")
        }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: max(0, limit))
        var filled = 0
        while filled < buffer.count {
            let count = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(descriptor, base + filled, raw.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return .failed("read \(path): \(errorText())")
            }
            if count == 0 { break }
            filled += count
        }
        buffer.removeSubrange(filled...)
        return .bytes(buffer)
    }

    /// Size of the regular file at `path`, nil when it is missing or not a regular file.
    static func regularFileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    static func renameFile(_ from: String, _ to: String) -> String? {
        rename(from, to) == 0 ? nil : "rename \(from) → \(to): \(errorText())"
    }

    @discardableResult
    static func remove(_ path: String) -> Bool {
        unlink(path) == 0
    }

    /// fsyncs a directory so a rename in it is durable.
    static func syncDirectory(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return "open \(path): \(errorText())" }
        defer { close(descriptor) }
        return fsync(descriptor) == 0 ? nil : "fsync \(path): \(errorText())"
    }
}

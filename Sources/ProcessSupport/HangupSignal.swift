import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGHUP as a stream: the executables reload their configuration files on it.
public enum HangupSignal {
    /// Installs a SIGHUP handler and yields once per signal until the consuming task is cancelled.
    /// Call once per process.
    public static func stream() -> AsyncStream<Void> {
        AsyncStream { continuation in
            signal(SIGHUP, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "fleet.sighup"))
            source.setEventHandler { continuation.yield() }
            source.resume()
            continuation.onTermination = { _ in source.cancel() }
        }
    }
}

import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGHUP as a stream: the executables reload their configuration files on it.
public enum HangupSignal {
    /// Keeps the signal source alive until the stream ends.
    /// `@unchecked Sendable`: a dispatch source's `cancel()` is thread-safe, and nothing else is called on it.
    private final class SourceBox: @unchecked Sendable {
        let source: any DispatchSourceSignal
        init(_ source: any DispatchSourceSignal) { self.source = source }
    }

    /// Installs a SIGHUP handler and yields once per signal until the consuming task is cancelled.
    /// Call once per process.
    public static func stream() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        signal(SIGHUP, SIG_IGN)
        let box = SourceBox(DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "fleet.sighup")))
        box.source.setEventHandler { continuation.yield() }
        box.source.resume()
        continuation.onTermination = { _ in box.source.cancel() }
        return stream
    }
}

import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared by the fleet-agent and fleet-aggregator executables.
/// Waits for SIGINT or SIGTERM (the executable's clean shutdown).
public enum ShutdownSignal {
    /// Installs handlers for SIGINT and SIGTERM and returns the name of the first one received
    /// ("cancelled" when the task is cancelled first). Call once per process.
    public static func wait() async -> String {
        let (names, continuation) = AsyncStream<String>.makeStream()
        let queue = DispatchQueue(label: "fleet.signals")
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            sources.append(source)
        }
        var iterator = names.makeAsyncIterator()
        let name = await iterator.next() ?? "cancelled"
        for source in sources { source.cancel() }
        return name
    }
}

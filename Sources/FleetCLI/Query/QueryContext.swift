import Foundation
public import FleetModel

/// What a query command needs from the outside world, injectable for tests.
public struct QueryContext: Sendable {
    /// Environment variables (`FLEET_SERVER`, `FLEET_TOKEN`, config path).
    public var environment: [String: String]
    /// The current time (relative `--since`, `#open`/`#close`).
    public var now: @Sendable () -> NetworkTime
    /// Where output bytes go.
    public var emit: @Sendable ([UInt8]) -> Void

    /// A context.
    public init(
        environment: [String: String], now: @escaping @Sendable () -> NetworkTime,
        emit: @escaping @Sendable ([UInt8]) -> Void
    ) {
        self.environment = environment
        self.now = now
        self.emit = emit
    }

    /// The process's environment, wall clock and stdout.
    public static var process: QueryContext {
        QueryContext(
            environment: ProcessInfo.processInfo.environment,
            now: { NetworkTime(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())) },
            emit: { bytes in StandardStreams.output(bytes) })
    }
}

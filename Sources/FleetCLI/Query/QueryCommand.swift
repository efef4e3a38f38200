public import ArgumentParser
import Foundation

/// A `fleetctl` query subcommand: builds its parameters, then ``QueryRequest`` does the rest.
public protocol QueryCommand: AsyncParsableCommand {
    /// `--server`, `--token`, `-o`.
    var connection: ConnectionOptions { get }
    /// The query parameters the flags stand for.
    func parameters(context: QueryContext) throws(FleetctlError) -> [(String, String)]
    /// What is asked for.
    static var kind: QueryKind { get }
}

extension QueryCommand {
    /// Runs the query with `context`'s environment, clock and output.
    /// - Returns: how many results were printed.
    @discardableResult
    public func execute(context: QueryContext) async throws(FleetctlError) -> Int {
        try await QueryRequest.run(
            kind: Self.kind, parameters: parameters(context: context), connection: connection, context: context)
    }

    public func run() async throws {
        do {
            try await execute(context: .process)
        } catch {
            StandardStreams.error("fleetctl: error: \(error.message)\n")
            throw ExitCode(error.exitCode)
        }
    }
}

func portParameter(_ port: Int?) throws(FleetctlError) -> [(String, String)] {
    guard let port else { return [] }
    guard (0...65535).contains(port) else { throw FleetctlError("--port must be 0...65535", exitCode: 2) }
    return [("port", String(port))]
}

/// Conn sort orders.
public enum ConnSort: String, ExpressibleByArgument, Sendable, CaseIterable {
    case time, time_desc, duration
}

/// Sort orders of the other record kinds.
public enum TimeSort: String, ExpressibleByArgument, Sendable, CaseIterable {
    case time, time_desc
}

import FleetTesting
import FlowTracking
import Foundation
import Testing

/// Starts the built `fleet-aggregator`, `fleet-agent` and `fleet-pcapgen` executables as real
/// processes (loopback only, temp dirs), and ends every one it started, by PID, when the test ends.
final class ProcessHarness {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A started process with its log file.
    final class Child {
        let name: String
        let process: Process
        let logPath: String
        init(name: String, process: Process, logPath: String) {
            self.name = name
            self.process = process
            self.logPath = logPath
        }
        var pid: Int32 { process.processIdentifier }
        var isRunning: Bool { process.isRunning }
        var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        /// Sends `signal` to this PID.
        func signal(_ signal: Int32) {
            if process.isRunning { kill(process.processIdentifier, signal) }
        }

        /// Waits for the exit (polling, so the test's task is not blocked); nil on timeout.
        func waitForExit(timeout: Duration) async throws -> Int32? {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning {
                if ContinuousClock.now >= deadline { return nil }
                try await Task.sleep(for: .milliseconds(20))
            }
            return process.terminationStatus
        }

        /// SIGKILL, then wait for the process to be gone.
        func kill9() async throws {
            signal(SIGKILL)
            _ = try await waitForExit(timeout: .seconds(10))
        }
    }

    let directory: String
    private var children: [Child] = []
    private var logIndex = 0

    init(directory: String) {
        self.directory = directory
    }

    /// The directory holding the built executables: `$FLEETWATCH_BIN`, else the test bundle's own
    /// directory (`.build/<triple>/debug` under `swift test`).
    static var binDirectory: String {
        if let bin = ProcessInfo.processInfo.environment["FLEETWATCH_BIN"] { return bin }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    }

    static func executable(_ name: String) throws -> String {
        let path = binDirectory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(description: "\(path) not built: run `swift build` (or set FLEETWATCH_BIN)")
        }
        return path
    }

    /// Starts `name` with `arguments`; stdout and stderr go to a log file in the temp dir.
    func start(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Child {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executable(name))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        logIndex += 1
        let logPath = directory + "/\(name)-\(logIndex).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let child = Child(name: name, process: process, logPath: logPath)
        children.append(child)
        return child
    }

    /// Runs `name` to completion; throws when it fails.
    func runToEnd(_ name: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws {
        let child = try start(name, arguments)
        guard let status = try await child.waitForExit(timeout: timeout) else {
            child.signal(SIGKILL)
            throw Failure(description: "\(name) timed out")
        }
        guard status == 0 else { throw Failure(description: "\(name) exited \(status): \(child.log)") }
    }

    /// Starts an aggregator (plain TCP, any agent) on `port` (0: a free one) and waits until it
    /// listens; returns it with its port.
    func startAggregator(store: String, port: Int = 0, extra: [String] = []) async throws -> (Child, Int) {
        let child = try start("fleet-aggregator", [
            "--listen", "127.0.0.1:\(port)", "--store", store, "--plaintext", "--allow-any-agent", "--retention", "0", "--log-level", "info",
        ] + extra)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let range = child.log.range(of: #"listen\.port=(\d+)"#, options: .regularExpression),
               let bound = Int(child.log[range].dropFirst("listen.port=".count)) {
                return (child, bound)
            }
            guard child.isRunning else { throw Failure(description: "aggregator exited: \(child.log)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Failure(description: "aggregator did not start listening: \(child.log)")
    }

    /// Starts an agent replaying `capture` into 127.0.0.1:`port` (then 127.0.0.1:`failoverPorts`,
    /// given as one comma-separated `--aggregator` list), with `extra` flags.
    func startAgent(
        capture: String, port: Int, failoverPorts: [Int] = [], spool: String, speed: Double? = nil, batchRecords: Int = 200,
        agentID: String = "agent-1", uidSeed: UInt64 = FlowConfiguration().uidSeed, extra: [String] = []
    ) throws -> Child {
        let aggregators = ([port] + failoverPorts).map { "127.0.0.1:\($0)" }.joined(separator: ",")
        var arguments = [
            "--read", capture, "--aggregator", aggregators, "--agent-id", agentID, "--spool", spool,
            "--plaintext", "--drain-timeout", "90", "--batch-records", "\(batchRecords)", "--log-level", "info", "--metrics", "off",
            "--uid-seed", "\(uidSeed)",  // fleetctl analyze's seed, so the store can be compared with it
        ]
        if let speed { arguments += ["--replay-speed", "\(speed)"] }
        arguments += extra
        return try start("fleet-agent", arguments, environment: ["FLEET_TOKEN": "test-token"])
    }

    /// Kills (SIGKILL, by PID) every child still running and waits for them.
    func cleanUp() {
        for child in children where child.isRunning {
            kill(child.pid, SIGKILL)
            child.process.waitUntilExit()
        }
    }

    /// A header-only pcap (Ethernet): an input with no packets.
    static func writeEmptyCapture(_ path: String) throws {
        let header: [UInt8] = [
            0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0,
        ]
        try Data(header).write(to: URL(fileURLWithPath: path))
    }

    /// Polls `condition` every 25 ms until it holds or `timeout` passes.
    static func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        return try await condition()
    }
}

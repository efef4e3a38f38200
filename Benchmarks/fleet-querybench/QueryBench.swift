import ArgumentParser
import FleetModel
import Foundation
import Logging
import QueryAPI
import Storage
import StoragePostgres
import StorageSQLite

/// `fleet-querybench`: fills a SQLite store or a PostgreSQL database with a simulated fleet's
/// day (10 M conns from 100 agents over 24 h, DNS/HTTP/SSL in proportion) through the store's
/// ingest path, serves it with the query API on loopback, and times `fleetctl` end to end
/// (process start to exit).
@main
struct QueryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-querybench", abstract: "Time fleetctl queries against a store of a simulated fleet's day.")

    @Option(help: """
        SQLite file, or postgres://user@host:port/database (the data goes to schema fleet_querybench there). \
        Reused when it already holds the data; --reload to rebuild.
        """)
    var store = "/tmp/fleet-querybench.sqlite"

    @Option(help: "Conn records in total.")
    var conns = 10_000_000

    @Option(help: "Simulated agents.")
    var agents = 100

    @Option(help: "Hours of traffic, ending now.")
    var hours = 24

    @Option(help: "Timed runs per command (the median is reported).")
    var runs = 7

    @Option(help: "fleetctl binary (default: next to this executable).")
    var fleetctl: String?

    @Flag(help: "Delete and rebuild the store even when it looks complete.")
    var reload = false

    func run() async throws {
        let fleetctlPath = fleetctl ?? (URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("fleetctl").path)
        guard FileManager.default.isExecutableFile(atPath: fleetctlPath) else {
            throw ValidationError("no fleetctl at \(fleetctlPath): build it or pass --fleetctl")
        }
        if store.hasPrefix("postgres://") || store.hasPrefix("postgresql://") {
            try await PostgresBench(url: store, agents: agents, conns: conns, hours: hours, reload: reload)
                .run { store, findings, end, label in
                    try await measure(store: store, findings: findings, end: end, label: label, fleetctlPath: fleetctlPath)
                }
            return
        }
        let now = QueryAPIConfiguration.wallClock()
        let fleet = SimulatedFleet(agents: agents, conns: conns, hours: hours, end: now)
        let marker = store + ".end"
        if reload || !FileManager.default.fileExists(atPath: marker) {
            try? FileManager.default.removeItem(atPath: store)
            for suffix in ["-wal", "-shm", ".end"] { try? FileManager.default.removeItem(atPath: store + suffix) }
            let sqlite = try SQLiteFlowStore(path: store)
            try await sqlite.migrate()
            try await fleet.load(into: sqlite)
            try String(now.microseconds).write(toFile: marker, atomically: true, encoding: .utf8)
        }
        // Queries are relative to the data's end, so a reused store is queried as if loaded now.
        let end = (try? String(contentsOfFile: marker, encoding: .utf8)).flatMap { Int64($0) }
            .map(NetworkTime.init(microseconds:)) ?? now
        let sqlite = try SQLiteFlowStore(path: store)
        try await sqlite.migrate()
        let findingsStore: any FindingStore
        let findingsBackend: String
        if let stored = (sqlite as Any) as? any FindingStore {
            findingsStore = stored
            findingsBackend = "SQLite"
        } else {
            findingsStore = InMemoryFlowStore()
            findingsBackend = "in-memory (this SQLite store keeps no findings)"
        }
        try await measure(
            store: sqlite, findings: findingsStore, end: end, label: "store: \(store)  findings: \(findingsBackend)",
            fleetctlPath: fleetctlPath)
    }

    /// Adds the simulated findings, serves `store` on loopback with the data's `end` as "now" and
    /// prints the timing table.
    func measure(
        store flowStore: any FlowStore, findings findingsStore: any FindingStore, end: NetworkTime, label: String,
        fleetctlPath: String
    ) async throws {
        let now = QueryAPIConfiguration.wallClock()
        let fleet = SimulatedFleet(agents: agents, conns: conns, hours: hours, end: end)
        // Findings relative to the data's end, so a reused store gets the same findings again (merged by id).
        try await findingsStore.upsertFindings(fleet.findings())
        let token = "querybench-token-0123456789"
        let shift = now.microseconds - end.microseconds
        let server = QueryAPIServer(
            configuration: QueryAPIConfiguration(
                host: "127.0.0.1", port: 0, token: token,
                now: { NetworkTime(microseconds: QueryAPIConfiguration.wallClock().microseconds - shift) }),
            store: flowStore, findings: findingsStore, logger: Logger(label: "querybench"))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run { continuation.yield($0) } }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { return }

        let since = String(format: "%.6f", Double(end.microseconds - 3_600_000_000) / 1e6)
        let commands: [(String, [String])] = [
            ("fleetctl anomalies --since 1h", ["anomalies", "--since", since]),
            ("fleetctl conn --since 1h --host \(fleet.hostX)", ["conn", "--since", since, "--host", fleet.hostX]),
            ("fleetctl dns --query example.com", ["dns", "--query", "example.com"]),
        ]
        print("\(label)  fleetctl: \(fleetctlPath)")
        print("| command | rows | median | min | max |")
        print("|---|---:|---:|---:|---:|")
        for (label, arguments) in commands {
            var times: [Double] = []
            var rows = 0
            for _ in 0..<(runs + 1) {
                let (elapsed, lines) = try Self.time(fleetctlPath, arguments + [
                    "--server", "127.0.0.1:\(port)", "--token", token,
                ])
                times.append(elapsed)
                rows = lines
            }
            times.removeFirst()  // warm-up
            times.sort()
            let median = times[times.count / 2]
            print("| `\(label)` | \(rows) | \(Self.ms(median)) | \(Self.ms(times[0])) | \(Self.ms(times[times.count - 1])) |")
        }
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }

    /// Runs fleetctl once; returns wall time and output lines (table rows + header).
    static func time(_ path: String, _ arguments: [String]) throws -> (Double, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard process.terminationStatus == 0 else {
            throw ValidationError("fleetctl \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        let lines = data.reduce(0) { $1 == 0x0a ? $0 + 1 : $0 }
        return (elapsed, max(0, lines - 1))
    }
}

import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import Storage
import StoragePostgres
import StorageSQLite

/// `fleet-loadgen`: the ingest load benchmark (issues 3 and 7). Simulates N agents against one or
/// more running `fleet-aggregator`s over loopback (agents split round-robin), checks the store
/// (SQLite file or PostgreSQL database) holds exactly what was acknowledged, then measures the
/// store's own ingest rate on the same records (no network) as the ceiling.
///
/// Output: human-readable lines on stderr and one `RESULT key=value ...` line on stdout.
@main
struct LoadGen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-loadgen",
        abstract: "Load-test fleet-aggregators with simulated agents and compare with the raw store insert rate.")

    @Option(help: "Aggregator ingest address, HOST:PORT (loopback; the aggregator runs with --plaintext --allow-any-agent). Repeatable.")
    var aggregator: [String] = []

    @Option(help: "Comma-separated aggregator addresses (HOST:PORT,HOST:PORT): agent i goes to address i mod N.")
    var aggregators: String?

    @Option(help: "The aggregators' store, a SQLite file or postgres:// URL: checked after the run (every record stored once).")
    var store: String?

    @Option(help: "An aggregator's PID: the aggregators' CPU time during the run is reported (summed). Repeatable.")
    var aggregatorPID: [Int32] = []

    @Option(help: "A fresh SQLite file or postgres:// database for the raw insert measurement (the ceiling); skipped when absent.")
    var rawStore: String?

    @Option(help: "Concurrent writers in the raw measurement (groups dealt round-robin; PostgreSQL: one pooled connection each).")
    var rawParallel: Int = 1

    @Option(help: "Simulated agents (one TCP connection each).")
    var connections: Int = 1_000

    @Option(help: "Batches each agent sends.")
    var batches: Int = 4

    @Option(help: "Conn records per batch (DNS and HTTP records of those conns come on top, ~1.45x in all).")
    var connsPerBatch: Int = 200

    @Option(help: "Unacknowledged batches per agent (1: send the next batch after the previous ack).")
    var window: Int = 1

    @Option(help: "Records per transaction in the raw measurement.")
    var rawGroupRecords: Int = 20_000

    @Option(help: "Seed of the record generator.")
    var seed: UInt64 = 1

    func validate() throws {
        guard connections > 0, batches > 0, connsPerBatch > 0, window > 0, rawGroupRecords > 0, rawParallel > 0 else {
            throw ValidationError("counts must be positive")
        }
        for address in addresses { _ = try Self.hostPort(address) }
        guard !addresses.isEmpty || rawStore != nil else { throw ValidationError("give --aggregator(s), --raw-store or both") }
    }

    /// `--aggregator`s then `--aggregators`, in order.
    var addresses: [String] {
        aggregator + (aggregators ?? "").split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        let generationStart = ContinuousClock.now
        let workload = try Workload.generate(agents: connections, batches: batches, connsPerBatch: connsPerBatch, seed: seed)
        let records = workload.recordCount
        log("generated \(connections) agents x \(batches) batches: \(records) records, \(workload.wireBytes) wire bytes "
            + "(\(String(format: "%.1f", Double(workload.wireBytes) / Double(records))) B/record) in "
            + "\(String(format: "%.1f", Nanoseconds.seconds(ContinuousClock.now - generationStart))) s")
        var result: [(String, String)] = [
            ("agents", "\(connections)"), ("batches", "\(workload.batchCount)"), ("records", "\(records)"),
            ("window", "\(window)"),
        ]
        var networkRate: Double?
        if !addresses.isEmpty {
            let endpoints = try addresses.map(Self.hostPort)
            let cpuBefore = aggregatorPID.map { Self.cpuSeconds(pid: $0) }
            let run = try await NetworkRun.run(workload: workload, endpoints: endpoints, window: window)
            var cpu: Double?
            let cpuAfter = aggregatorPID.map { Self.cpuSeconds(pid: $0) }
            if !aggregatorPID.isEmpty {
                cpu = zip(cpuBefore, cpuAfter).reduce(0.0) { total, pair in
                    guard let total, let before = pair.0, let after = pair.1 else { return nil }
                    return total + after - before
                }
            }
            let rate = Double(records) / run.seconds
            networkRate = rate
            let p50 = Self.percentile(run.latencies, 0.50)
            let p99 = Self.percentile(run.latencies, 0.99)
            log("network: \(records) records acknowledged in \(String(format: "%.2f", run.seconds)) s = "
                + "\(Int(rate)) records/s; ack latency p50 \(String(format: "%.1f", p50)) ms, p99 \(String(format: "%.1f", p99)) ms"
                + (cpu.map { "; aggregator CPU \(String(format: "%.2f", $0)) s = \(Int(Double(records) / $0)) records/CPU-s" } ?? ""))
            result += [
                ("aggregators", "\(endpoints.count)"), ("ingest_rps", "\(Int(rate))"), ("ingest_seconds", String(format: "%.3f", run.seconds)),
                ("p50_ms", String(format: "%.1f", p50)), ("p99_ms", String(format: "%.1f", p99)),
                ("connect_seconds", String(format: "%.2f", run.connectSeconds)),
            ]
            if let cpu { result.append(("aggregator_cpu_s", String(format: "%.2f", cpu))) }
            if let store {
                let counts = try await StoreAccess.recordCounts(store)
                let expected = workload.expectedCounts
                let stored = counts.values.reduce(0, +)
                log("store: \(stored) rows \(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
                result.append(("stored", "\(stored)"))
                guard counts == expected else {
                    log("MISMATCH: expected \(expected.sorted { $0.key < $1.key })")
                    print(result.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + " check=FAIL")
                    throw ExitCode(1)
                }
            }
        }
        if let rawStore {
            let raw = try await RawInsert.measure(
                workload: workload, store: rawStore, groupRecords: rawGroupRecords, parallel: rawParallel)
            let rate = Double(records) / raw.seconds
            log("raw: \(records) records through \(StoreAccess.isPostgres(rawStore) ? "PostgresFlowStore" : "SQLiteFlowStore")"
                + ".ingest(contentsOf:), \(rawParallel) writer(s), in \(String(format: "%.2f", raw.seconds)) s = "
                + "\(Int(rate)) records/s, \(Int(Double(records) / raw.cpuSeconds)) records/CPU-s")
            result += [("raw_parallel", "\(rawParallel)"), ("raw_rps", "\(Int(rate))"), ("raw_cpu_rps", "\(Int(Double(records) / raw.cpuSeconds))")]
            if let networkRate {
                let ratio = networkRate / rate
                log("ratio ingest/raw = \(String(format: "%.2f", ratio)) (goal >= 0.5)")
                result.append(("ratio", String(format: "%.2f", ratio)))
            }
        }
        print("RESULT " + result.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + " check=ok")
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data(("loadgen: " + line + "\n").utf8))
    }

    static func percentile(_ nanoseconds: [UInt64], _ fraction: Double) -> Double {
        guard !nanoseconds.isEmpty else { return 0 }
        let sorted = nanoseconds.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
        return Double(sorted[max(0, index)]) / 1e6
    }

    /// utime + stime of a process from /proc (Linux), in seconds.
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14, stime 15 (1-based) → indices 11, 12 here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / ticks
    }

    static func hostPort(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port) else {
            throw ValidationError("address must be HOST:PORT, got \(text)")
        }
        return (String(text[..<colon]), port)
    }
}

/// Phase 1 connects every agent and completes its hello; phase 2 (timed) releases them all at
/// once and waits for every Ack.
enum NetworkRun {
    struct Outcome {
        var seconds: Double
        var connectSeconds: Double
        var latencies: [UInt64]
    }

    /// Agent `i` connects to `endpoints[i % endpoints.count]`.
    static func run(workload: Workload, endpoints: [(String, Int)], window: Int) async throws -> Outcome {
        let group = MultiThreadedEventLoopGroup.singleton
        let connectStart = ContinuousClock.now
        var connections: [LoadClient.Connection] = []
        connections.reserveCapacity(workload.agents.count)
        // Connect in waves so the listen backlog never overflows.
        var index = 0
        while index < workload.agents.count {
            let first = index
            let wave = workload.agents[index..<min(index + 128, workload.agents.count)]
            try await withThrowingTaskGroup(of: (Int, LoadClient.Connection).self) { tasks in
                for (offset, agent) in wave.enumerated() {
                    let (host, port) = endpoints[(first + offset) % endpoints.count]
                    tasks.addTask { (offset, try await LoadClient.connect(host: host, port: port, agent: agent, group: group)) }
                }
                var made = [(Int, LoadClient.Connection)]()
                for try await item in tasks { made.append(item) }
                connections += made.sorted { $0.0 < $1.0 }.map(\.1)
            }
            index += wave.count
        }
        let barrier = Barrier(count: workload.agents.count)
        let clock = ContinuousClock()
        let startBox = StartTime()
        let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { tasks in
            for (agent, connection) in zip(workload.agents, connections) {
                tasks.addTask {
                    try await LoadClient.run(connection, agent: agent, window: window) {
                        await barrier.arrive()
                        await startBox.mark(clock.now)
                    }
                }
            }
            var all: [UInt64] = []
            for try await part in tasks { all += part }
            return all
        }
        let end = clock.now
        let start = await startBox.instant ?? end
        return Outcome(
            seconds: Nanoseconds.seconds(end - start), connectSeconds: Nanoseconds.seconds(start - connectStart),
            latencies: latencies)
    }
}

/// Releases every waiter once `count` have arrived.
actor Barrier {
    private var remaining: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    init(count: Int) { remaining = count }
    func arrive() async {
        remaining -= 1
        if remaining <= 0 {
            for waiter in waiters { waiter.resume() }
            waiters = []
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }
}

/// The first instant any agent was released.
actor StartTime {
    private(set) var instant: ContinuousClock.Instant?
    func mark(_ now: ContinuousClock.Instant) {
        if instant == nil { instant = now }
    }
}

import FleetModel
import Foundation
import Storage
import StoragePostgres
import StorageSQLite

/// A deterministic fleet: `agents` agents with 50 hosts each talking to a pool of outside
/// servers; per conn 0.3 DNS, 0.1 HTTP and 0.05 SSL records; about 0.1 % of DNS names are under
/// example.com.
struct SimulatedFleet {
    let agents: Int
    let conns: Int
    let hours: Int
    let end: NetworkTime
    /// The host `conn --host` asks for (agent 42's host 7).
    var hostX: String { "10.42.0.7" }

    /// Slices of time; each slice is one batch per agent.
    private var slices: Int { hours * 10 }

    private var start: NetworkTime { NetworkTime(microseconds: end.microseconds - Int64(hours) * 3_600_000_000) }
    private var sliceMicros: Int64 { Int64(hours) * 3_600_000_000 / Int64(slices) }
    private var perBatch: Int { max(1, conns / (slices * agents)) }
    /// Conn records the load stores (`conns` rounded down to whole batches).
    var storedConns: Int { perBatch * slices * agents }

    /// SQLite: one transaction per agent batch, secondary indexes built once after the load.
    func load(into store: SQLiteFlowStore) async throws {
        for agent in 0..<agents { try await store.upsertAgent(registration(agent)) }
        // Secondary indexes are built once after the load (the store ends with the normal schema).
        try await store.withSecondaryIndexesDeferred {
            try await ingestDay { batches in
                for batch in batches { _ = try await store.ingest(batch) }
            }
            progress("building indexes")
        }
        progress("analyzing")
        try await store.analyze()
    }

    /// PostgreSQL: one `ingest(contentsOf:)` transaction per time slice (every agent's batch of
    /// it), secondary indexes built once after the load.
    func load(into store: PostgresFlowStore) async throws {
        for agent in 0..<agents { try await store.upsertAgent(registration(agent)) }
        try await store.withSecondaryIndexesDeferred {
            try await ingestDay { batches in
                for result in await store.ingest(contentsOf: batches) {
                    guard case .stored = try result.get() else {
                        throw StorageError.database.with(message: "querybench load: batch not stored: \(result)")
                    }
                }
            }
            progress("building indexes")
        }
        progress("analyzing")
        try await store.analyze()
    }

    private func registration(_ agent: Int) -> AgentRegistration {
        AgentRegistration(id: AgentID(Self.agentName(agent)), hostname: "host-\(agent)", version: "0.2.0", seenAt: start)
    }

    /// Generates the day slice by slice and hands each slice's batches (one per agent) to `store`.
    private func ingestDay(_ store: ([IngestBatch]) async throws -> Void) async throws {
        let start = start
        let sliceMicros = sliceMicros
        let perBatch = perBatch
        var random = SplitMix(seed: 42)
        var stored = 0
        let clock = ContinuousClock()
        let began = clock.now
        for slice in 0..<slices {
            let sliceStart = start.microseconds + Int64(slice) * sliceMicros
            var sliceBatches: [IngestBatch] = []
            sliceBatches.reserveCapacity(agents)
            for agent in 0..<agents {
                var batch = RecordBatch()
                batch.conns.reserveCapacity(perBatch)
                for index in 0..<perBatch {
                    let ts = NetworkTime(microseconds: sliceStart + Int64(random.next() % UInt64(sliceMicros)))
                    let uid = "C\(agent)x\(slice)x\(index)"
                    let local = IPAddress.v4(UInt32(10) << 24 | UInt32(agent) << 16 | UInt32(random.next() % 50))
                    let remote = IPAddress.v4(UInt32(0xC633_0000) | UInt32(random.next() % 20_000))
                    let kind = random.next() % 100
                    let port: UInt16 = kind < 30 ? 53 : kind < 40 ? 80 : kind < 45 ? 443 : UInt16(1024 + random.next() % 50_000)
                    let proto: TransportProtocol = port == 53 ? .udp : .tcp
                    let id = ConnID(
                        originatorHost: local, originatorPort: UInt16(32_768 + random.next() % 28_000),
                        responderHost: port == 53 ? .v4(UInt32(10) << 24 | UInt32(agent) << 16 | 53) : remote,
                        responderPort: port)
                    batch.conns.append(ConnRecord(
                        ts: ts, uid: uid, id: id, proto: proto,
                        service: port == 53 ? ["dns"] : port == 80 ? ["http"] : port == 443 ? ["ssl"] : [],
                        duration: NetworkDuration(microseconds: Int64(random.next() % 120_000_000)),
                        originatorBytes: random.next() % 5_000, responderBytes: random.next() % 100_000,
                        connState: .SF, history: "ShADadFf", originatorPackets: 10, originatorIPBytes: 1_000,
                        responderPackets: 12, responderIPBytes: 20_000, ipProto: proto == .udp ? 17 : 6))
                    if port == 53 {
                        let name = random.next() % 1_000 == 0
                            ? "www.example.com" : "h\(random.next() % 5_000).d\(random.next() % 2_000).net"
                        batch.dns.append(DNSRecord(
                            ts: ts, uid: uid, id: id, proto: .udp, transactionID: UInt16(index % 65_536),
                            rtt: NetworkDuration(microseconds: 2_000), query: name, qclass: 1, qtype: 1, rcode: 0,
                            recursionDesired: true, recursionAvailable: true, answers: ["198.51.100.1"], ttls: [300]))
                    } else if port == 80 {
                        batch.http.append(HTTPRecord(
                            ts: ts, uid: uid, id: id, transDepth: 1, method: "GET", host: "site\(random.next() % 500).net",
                            uri: "/page/\(random.next() % 10_000)", version: "1.1", userAgent: "Mozilla/5.0",
                            responseBodyLength: 1_000, statusCode: 200, statusMessage: "OK"))
                    } else if port == 443 {
                        batch.ssl.append(SSLRecord(
                            ts: ts, uid: uid, id: id, version: "TLSv13", cipher: "TLS_AES_128_GCM_SHA256",
                            serverName: "site\(random.next() % 500).net", established: true))
                    }
                }
                stored += batch.count
                sliceBatches.append(IngestBatch(
                    agent: AgentID(Self.agentName(agent)), sequence: UInt64(slice + 1),
                    receivedAt: NetworkTime(microseconds: sliceStart + sliceMicros), records: batch))
            }
            try await store(sliceBatches)
            if slice % 10 == 9 || slice == slices - 1 {
                let seconds = Double((clock.now - began).components.seconds)
                progress("loaded \(slice + 1)/\(slices) slices, \(stored) records, \(Int(seconds)) s"
                    + (seconds > 0 ? " (\(Int(Double(stored) / seconds)) records/s)" : ""))
            }
        }
    }

    /// Findings spread over the day (one per agent per hour).
    func findings() -> [Finding] {
        var result: [Finding] = []
        for agent in 0..<agents {
            for hour in 0..<hours {
                let last = NetworkTime(microseconds: end.microseconds - Int64(hour) * 3_600_000_000 - 60_000_000)
                let host = IPAddress.v4(UInt32(10) << 24 | UInt32(agent) << 16 | UInt32(hour % 50))
                result.append(Finding(
                    detector: hour % 3 == 0 ? "beacon" : "long-connection", key: "\(agent)-\(hour)",
                    severity: hour % 5 == 0 ? .high : .low, score: 0.5, agentID: Self.agentName(agent), host: host,
                    firstSeen: NetworkTime(microseconds: last.microseconds - 600_000_000), lastSeen: last,
                    summary: "simulated finding \(hour) on \(host)"))
            }
        }
        return result
    }

    static func agentName(_ index: Int) -> String {
        "agent-" + String(repeating: "0", count: index < 10 ? 2 : index < 100 ? 1 : 0) + String(index)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Progress goes to stderr so stdout holds only the results table.
func progress(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

import FleetModel
import FleetTesting
import FleetWire
import NIOCore
import Storage

/// The records every simulated agent sends, generated and encoded before timing starts.
///
/// Agent `i` is `load-<i>`; its batches are `RecordMix(seed: seed + i)` slices of
/// `connsPerBatch` conn records plus the DNS and HTTP records of those conns, numbered 1, 2, ...
/// and encoded exactly as the agent's `Shipper` encodes them (`WireCodec.write` of a
/// `WireMessage.batch`: columnar records, zlib, length prefix).
struct Workload: Sendable {
    struct Agent: Sendable {
        var id: String
        /// Hello frame.
        var hello: ByteBuffer
        /// Batch frames in sequence order.
        var frames: [ByteBuffer]
        /// Records of each batch (the raw-insert measurement stores the same ones).
        var batches: [RecordBatch]
    }

    var agents: [Agent]

    var batchCount: Int { agents.reduce(0) { $0 + $1.frames.count } }
    var recordCount: Int { agents.reduce(0) { $0 + $1.batches.reduce(0) { $0 + $1.count } } }
    var wireBytes: Int { agents.reduce(0) { $0 + $1.frames.reduce(0) { $0 + $1.readableBytes } } }

    /// Expected rows per table.
    var expectedCounts: [String: Int] {
        var counts = ["conn": 0, "dns": 0, "http": 0, "ssl": 0, "weird": 0]
        for agent in agents {
            for batch in agent.batches {
                counts["conn", default: 0] += batch.conns.count
                counts["dns", default: 0] += batch.dns.count
                counts["http", default: 0] += batch.http.count
                counts["ssl", default: 0] += batch.ssl.count
                counts["weird", default: 0] += batch.weirds.count
            }
        }
        return counts
    }

    static func generate(agents: Int, batches: Int, connsPerBatch: Int, seed: UInt64) throws -> Workload {
        let codec = WireCodec()
        var result: [Agent] = []
        result.reserveCapacity(agents)
        for index in 0..<agents {
            let id = "load-\(index)"
            var mix = RecordMix(seed: seed &+ UInt64(index), clientCount: 60, serverCount: 300)
            var hello = ByteBuffer()
            try codec.write(.hello(WireHello(agentID: id, token: "load", hostname: "loadgen-\(index)", agentVersion: "loadgen")), to: &hello)
            var frames: [ByteBuffer] = []
            var records: [RecordBatch] = []
            for sequence in 1...max(1, batches) {
                let batch = mix.make(conns: connsPerBatch)
                let times = batch.conns.map(\.ts) + batch.dns.map(\.ts) + batch.http.map(\.ts)
                var frame = ByteBuffer()
                try codec.write(.batch(WireBatch(
                    agentID: id, sequence: UInt64(sequence), firstTime: times.min() ?? .zero, lastTime: times.max() ?? .zero,
                    stats: WireCaptureStats(packetsSeen: UInt64(sequence) * 10_000), records: batch)), to: &frame)
                frames.append(frame)
                records.append(batch)
            }
            result.append(Agent(id: id, hello: hello, frames: frames, batches: records))
        }
        return Workload(agents: result)
    }

    /// The same batches as the store receives them (of the agents whose index passes `include`).
    func ingestBatches(agents include: (Int) -> Bool = { _ in true }) -> [IngestBatch] {
        var all: [IngestBatch] = []
        all.reserveCapacity(batchCount)
        for (position, agent) in agents.enumerated() where include(position) {
            for (index, records) in agent.batches.enumerated() {
                all.append(IngestBatch(
                    agent: AgentID(agent.id), sequence: UInt64(index + 1),
                    receivedAt: NetworkTime(seconds: 1_800_000_000, microseconds: 0), records: records))
            }
        }
        return all
    }
}

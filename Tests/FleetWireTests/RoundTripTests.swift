import FleetModel
import FleetTesting
import FleetWire
import NIOCore
import Testing

/// Everything that goes in must come out bit for bit, through compression and framing.
@Suite struct RoundTripTests {
    static func roundTrip(_ message: WireMessage, codec: WireCodec = WireCodec()) throws -> WireMessage {
        var bytes = ByteBuffer()
        try codec.write(message, to: &bytes)
        let frame = try #require(try WireFrameDecoder().readFrame(from: &bytes))
        #expect(bytes.readableBytes == 0)
        return try codec.decode(frame)
    }

    static func batch(_ records: RecordBatch, sequence: UInt64 = 7) -> WireBatch {
        WireBatch(
            agentID: "agent-ü-1", sequence: sequence, firstTime: NetworkTime(microseconds: 1_700_000_000_000_001),
            lastTime: NetworkTime(microseconds: 1_700_000_060_000_000),
            stats: WireCaptureStats(
                packetsSeen: 123_456_789, kernelDrops: 3, flowsActive: 4_000, flowsEvicted: 5, batchesSpooled: 6,
                batchesDropped: 7, spoolBytes: .max),
            weirdCounters: ["bad_TCP_checksum": 12, "truncated_IP": 1, "": 0, "dns_unmatched_reply": .max],
            records: records)
    }

    @Test(arguments: [0, 1 << 30])
    func edgeBatchSurvivesExactly(compressionThreshold: Int) throws {
        let message = WireMessage.batch(Self.batch(WireFixtures.edgeBatch()))
        let codec = WireCodec(compressionThreshold: compressionThreshold)
        let frame = try codec.encode(message)
        #expect(frame.type == (compressionThreshold == 0 ? .compressedEnvelope : .envelope))
        #expect(try Self.roundTrip(message, codec: codec) == message)
    }

    @Test func eachRecordTypeAloneSurvives() throws {
        let full = WireFixtures.edgeBatch()
        var parts: [RecordBatch] = []
        var conns = RecordBatch(); conns.conns = full.conns; parts.append(conns)
        var dns = RecordBatch(); dns.dns = full.dns; parts.append(dns)
        var http = RecordBatch(); http.http = full.http; parts.append(http)
        var ssl = RecordBatch(); ssl.ssl = full.ssl; parts.append(ssl)
        var weirds = RecordBatch(); weirds.weirds = full.weirds; parts.append(weirds)
        parts.append(RecordBatch())
        for part in parts {
            let message = WireMessage.batch(Self.batch(part))
            #expect(try Self.roundTrip(message) == message)
        }
    }

    @Test func realisticBatchSurvivesExactly() throws {
        var traffic = RecordMix(seed: 42)
        let records = traffic.make(conns: 3_000)
        #expect(records.dns.count > 500)
        let message = WireMessage.batch(Self.batch(records))
        #expect(try Self.roundTrip(message) == message)
    }

    @Test func encodingIsDeterministic() throws {
        let message = WireMessage.batch(Self.batch(WireFixtures.edgeBatch()))
        let first = try WireCodec().encode(message)
        let second = try WireCodec().encode(message)
        #expect(first == second)
    }

    @Test func helloSurvivesExactly() throws {
        let full = WireHello(
            agentID: "i-0abc", token: "s3cret-ü", hostname: "web-1.internal", agentVersion: "0.1.0",
            cloudProvider: "aws", instanceID: "i-0123456789abcdef0",
            interfaceAddresses: [WireFixtures.v4a, WireFixtures.v6a, WireFixtures.mapped],
            vpcCIDRs: [
                WireCIDR(address: .v4(0x0A00_0000), prefixLength: 16),
                WireCIDR(address: WireFixtures.v6a, prefixLength: 128),
                WireCIDR(address: .v4(0), prefixLength: 0),
            ],
            nextSequence: 42)
        let minimal = WireHello(protocolVersion: 0, agentID: "", token: "", hostname: "", agentVersion: "")
        let emptyOptionals = WireHello(
            protocolVersion: 99, agentID: "a", token: "t", hostname: "h", agentVersion: "v", cloudProvider: "",
            instanceID: "")
        for hello in [full, minimal, emptyOptionals] {
            #expect(try Self.roundTrip(.hello(hello)) == .hello(hello))
        }
    }

    @Test func captureStatsDeltasSurvive() throws {
        var batch = Self.batch(RecordBatch())
        batch.stats = WireCaptureStats(
            packetsSeen: 1_000, kernelDrops: 5, flowsActive: 3, flowsEvicted: 1, batchesSpooled: 2, batchesDropped: 0,
            spoolBytes: 9, interfaceDrops: 4, packetsSeenDelta: 250, dropsDelta: .max)
        #expect(try Self.roundTrip(.batch(batch)) == .batch(batch))
    }

    @Test func acksAndErrorsSurviveIncludingUnknownCodes() throws {
        let messages: [WireMessage] = [
            .ack(WireAck(agentID: "a", sequence: 0, status: .ok)),
            .ack(WireAck(agentID: "", sequence: .max, status: .rejected)),
            .ack(WireAck(agentID: "a", sequence: 3, status: .init(rawValue: 77))),
            .ack(WireAck(agentID: "a", sequence: 9, status: .ok, lastCommittedSequence: 9)),
            .ack(WireAck(agentID: "a", sequence: 0, status: .ok, lastCommittedSequence: 0)),
            .error(WireError(code: .unauthenticated, message: "bad token")),
            .error(WireError(code: .init(rawValue: 1_000), message: "")),
            .error(WireError(code: .unspecified, message: "ünïcode")),
        ]
        for message in messages {
            #expect(try Self.roundTrip(message) == message)
        }
    }

    @Test func badCIDRPrefixIsRejected() throws {
        let hello = WireHello(
            agentID: "a", token: "t", hostname: "h", agentVersion: "v",
            vpcCIDRs: [WireCIDR(address: .v4(0x0A00_0000), prefixLength: 33)])
        #expect(throws: WireCodecError.invalidValue) { try Self.roundTrip(.hello(hello)) }
    }

    /// Fails when a model type gains a stored property, so the wire mapping
    /// (and records.proto) gets updated with it instead of silently dropping it.
    @Test func mappingCoversEveryModelField() {
        let batch = WireFixtures.edgeBatch()
        let counts: [(String, Int?, Int)] = [
            ("ConnRecord", batch.conns.first.map { Mirror(reflecting: $0).children.count }, 22),
            ("DNSRecord", batch.dns.first.map { Mirror(reflecting: $0).children.count }, 19),
            ("HTTPRecord", batch.http.first.map { Mirror(reflecting: $0).children.count }, 22),
            ("SSLRecord", batch.ssl.first.map { Mirror(reflecting: $0).children.count }, 12),
            ("WeirdRecord", batch.weirds.first.map { Mirror(reflecting: $0).children.count }, 8),
            ("RecordBatch", Mirror(reflecting: batch).children.count, 5),
            ("ConnID", Mirror(reflecting: batch.conns[0].id).children.count, 4),
        ]
        for (name, actual, mapped) in counts {
            #expect(actual == mapped, "\(name) has \(actual ?? -1) stored properties; FleetWire maps \(mapped)")
        }
    }

    /// Canonically equivalent strings are equal to Swift but must keep their own bytes.
    @Test func canonicallyEquivalentStringsKeepTheirBytes() throws {
        let id = ConnID(originatorHost: WireFixtures.v4a, originatorPort: 1, responderHost: WireFixtures.v4b, responderPort: 2)
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed)
        var records = RecordBatch()
        records.conns = [
            ConnRecord(ts: .zero, uid: composed, id: id, proto: .tcp, service: [composed], connState: .SF, history: composed, ipProto: 6),
            ConnRecord(ts: .zero, uid: decomposed, id: id, proto: .tcp, service: [decomposed], connState: .SF, history: decomposed, ipProto: 6),
        ]
        let message = WireMessage.batch(Self.batch(records))
        guard case .batch(let decoded) = try Self.roundTrip(message) else {
            Issue.record("not a batch")
            return
        }
        let bytes = decoded.records.conns.map { conn in
            [Array(conn.uid.utf8), Array(conn.history.utf8), Array(conn.service[0].utf8)]
        }
        #expect(bytes[0] == [Array(composed.utf8), Array(composed.utf8), Array(composed.utf8)])
        #expect(bytes[1] == [Array(decomposed.utf8), Array(decomposed.utf8), Array(decomposed.utf8)])
    }
}

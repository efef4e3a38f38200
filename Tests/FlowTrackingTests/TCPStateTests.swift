import FleetModel
import FlowTracking
import PacketLayers
import Testing

@Suite struct TCPStateTests {
    @Test func completeConnectionIsSF() throws {
        var h = TrackerHarness()
        let request = Array("GET / HTTP/1.1\r\n\r\n".utf8)
        let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
        h.tcp(flags: .syn, seq: 100)
        h.advance(1000)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.syn, .ack], seq: 5000, ack: 101)
        h.advance(1000)
        h.tcp(flags: .ack, seq: 101, ack: 5001)
        h.tcp(flags: [.ack, .psh], seq: 101, ack: 5001, payload: request)
        h.advance(1000)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.ack, .psh], seq: 5001, ack: 101 + UInt32(request.count), payload: response)
        h.tcp(flags: [.fin, .ack], seq: 101 + UInt32(request.count), ack: 5001 + UInt32(response.count))
        h.advance(1000)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.fin, .ack], seq: 5001 + UInt32(response.count), ack: 102 + UInt32(request.count))
        h.tcp(flags: .ack, seq: 102 + UInt32(request.count), ack: 5002 + UInt32(response.count))
        let records = h.finish()
        let conn = try #require(records.first)
        #expect(records.count == 1)
        #expect(conn.connState == .SF)
        #expect(conn.history == "ShADdFf")
        #expect(conn.originatorBytes == UInt64(request.count))
        #expect(conn.responderBytes == UInt64(response.count))
        #expect(conn.originatorPackets == 5)
        #expect(conn.responderPackets == 3)
        #expect(conn.duration == NetworkDuration(microseconds: 4000))
        #expect(conn.id.originatorHost == TrackerHarness.client)
        #expect(conn.localOriginator == true)
        #expect(conn.localResponder == false)
    }

    @Test func rejectedConnection() throws {
        var h = TrackerHarness()
        h.tcp(flags: .syn, seq: 100)
        h.advance(300)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.rst, .ack], seq: 0, ack: 101)
        let conn = try #require(h.finish().first)
        #expect(conn.connState == .REJ)
        #expect(conn.history == "Sr")
    }

    @Test func unansweredSYNIsS0() throws {
        var h = TrackerHarness()
        h.tcp(flags: .syn, seq: 100)
        let conn = try #require(h.finish().first)
        #expect(conn.connState == .S0)
        #expect(conn.history == "S")
        #expect(conn.duration == nil)
        #expect(conn.originatorBytes == nil)
    }

    @Test func synThenResetIsRSTOS0() throws {
        var h = TrackerHarness()
        h.tcp(flags: .syn, seq: 100)
        h.advance(300)
        h.tcp(flags: .rst, seq: 101)
        let conn = try #require(h.finish().first)
        #expect(conn.history == "SR")
        #expect(conn.connState == .RSTOS0)
    }

    @Test func missingSYNFlipsToServerPort() throws {
        var h = TrackerHarness()
        // First packet seen is the server's SYN-ACK: Zeek flips and marks '^'.
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.syn, .ack], seq: 5000, ack: 101)
        h.advance(100)
        h.tcp(flags: .ack, seq: 101, ack: 5001)
        let conn = try #require(h.finish().first)
        #expect(conn.id.originatorHost == TrackerHarness.client)
        #expect(conn.id.responderPort == 80)
        #expect(conn.history.hasPrefix("^h"))
    }

    @Test func badChecksumIsNotCounted() throws {
        var h = TrackerHarness()
        h.tcp(flags: .syn, seq: 100, checksumValid: false)
        h.tracker.finishAll()
        let batch = h.tracker.drain()
        let conn = try #require(batch.conns.first)
        #expect(conn.history == "C")
        #expect(conn.connState == .OTH)
        #expect(conn.originatorPackets == 0)
        #expect(batch.weirds.map(\.name) == ["bad_TCP_checksum"])
    }

    @Test func contentGapCountsMissedBytes() throws {
        var h = TrackerHarness()
        h.tcp(flags: .syn, seq: 100)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.syn, .ack], seq: 5000, ack: 101)
        h.tcp(flags: .ack, seq: 101, ack: 5001)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: .ack, seq: 5001, ack: 101, payload: [UInt8](repeating: 65, count: 100))
        // 200 bytes at 5101..5301 never seen, but the client acknowledges them.
        h.advance(1000)
        h.tcp(flags: .ack, seq: 101, ack: 5301)
        let conn = try #require(h.finish().first)
        #expect(conn.missedBytes == 200)
        #expect(conn.history.contains("g"))
        #expect(conn.responderBytes == 300)
    }

    @Test func retransmissionIsLogarithmic() throws {
        var h = TrackerHarness()
        h.tcp(flags: .syn, seq: 100)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.syn, .ack], seq: 5000, ack: 101)
        h.tcp(flags: .ack, seq: 101, ack: 5001)
        for _ in 0..<12 {
            h.tcp(flags: .ack, seq: 101, ack: 5001, payload: [1, 2, 3])
        }
        let conn = try #require(h.finish().first)
        // First copy is data; retransmits 1 and 10 are recorded ('T' twice).
        #expect(conn.history == "ShADTT")
    }

    @Test func udpAndICMP() throws {
        var h = TrackerHarness()
        h.udp(payload: [UInt8](repeating: 0, count: 30))
        h.advance(500)
        h.udp(from: TrackerHarness.server, 53, to: TrackerHarness.client, 40000, payload: [UInt8](repeating: 0, count: 60))
        h.icmp(type: 8)
        h.advance(10)
        h.icmp(from: TrackerHarness.server, to: TrackerHarness.client, type: 0)
        let records = h.finish()
        let udp = try #require(records.first { $0.proto == .udp })
        #expect(udp.connState == .SF)
        #expect(udp.history == "Dd")
        #expect(udp.originatorBytes == 30)
        #expect(udp.responderBytes == 60)
        let icmp = try #require(records.first { $0.proto == .icmp })
        #expect(icmp.id.originatorPort == 8)
        #expect(icmp.id.responderPort == 0)
        #expect(icmp.responderPackets == 1)
        #expect(icmp.connState == .OTH)
        #expect(records.count == 2)
    }

    @Test func timeoutsFollowPacketTime() throws {
        var h = TrackerHarness()
        h.udp(payload: [1])
        h.advance(61_000_000)
        h.udp(payload: [1])
        h.tracker.finishAll()
        #expect(h.tracker.drain().conns.count == 2)
    }

    @Test func longFlowEmitsInterimRecords() throws {
        var configuration = FlowConfiguration()
        configuration.firstInterimDelay = nil
        var h = TrackerHarness(configuration: configuration)
        h.tcp(flags: .syn, seq: 100)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.syn, .ack], seq: 5000, ack: 101)
        h.tcp(flags: .ack, seq: 101, ack: 5001)
        var seq: UInt32 = 101
        for _ in 0..<10 {
            h.advance(30_000_000)
            h.tcp(flags: .ack, seq: seq, ack: 5001, payload: [1, 2])
            seq += 2
        }
        h.tracker.finishAll()
        let records = h.tracker.drain().conns
        let interims = records.filter(\.interim)
        let finals = records.filter { !$0.interim }
        #expect(interims.count == 5)
        #expect(finals.count == 1)
        #expect(Set(records.map(\.uid)).count == 1)
        #expect(interims.last?.connState == .S1)
    }

    @Test func flowTableIsBounded() throws {
        var configuration = FlowConfiguration()
        configuration.maxFlows = 10
        var h = TrackerHarness(configuration: configuration)
        for port in 0..<100 {
            h.udp(from: TrackerHarness.client, UInt16(1000 + port), payload: [1])
            h.advance(1)
        }
        #expect(h.tracker.counters.flowsActive <= 10)
        #expect(h.tracker.counters.flowsEvicted == 90)
        h.tracker.finishAll()
        #expect(h.tracker.drain().conns.count == 100)
    }
}

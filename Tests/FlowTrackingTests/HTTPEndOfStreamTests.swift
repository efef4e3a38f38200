import FleetModel
import PacketLayers
import Testing
@testable import FlowTracking

/// Zeek's `EndpointEOF` rule for HTTP, through the real flow tracker: after an HTTP/0.9
/// exchange whose reply the server ends by closing, the client's later FIN ends the still-open
/// request message and Zeek logs one more, empty row at the next depth. Which FIN comes
/// first decides it (the bytes are those of Zeek's http_09 trace, first connection).
@Suite struct HTTPEndOfStreamTests {
    static let request = Array("GET /zeek.html\n".utf8)
    static let reply = Array("<html>\n  The Zeek Network Security Monitor\n</html>\n".utf8)

    /// Handshake, the request, the reply, then both FINs in the given order; returns http rows.
    static func http09(serverClosesFirst: Bool, request: [UInt8] = request, reply: [UInt8] = reply) -> [HTTPRecord] {
        var h = TrackerHarness()
        let c: UInt32 = 2_269_155_508, s: UInt32 = 761_868_805
        let requestEnd = c &+ 1 &+ UInt32(request.count), replyEnd = s &+ 1 &+ UInt32(reply.count)
        h.tcp(flags: [.syn], seq: c)
        h.advance(50)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.syn, .ack], seq: s, ack: c &+ 1)
        h.advance(50)
        h.tcp(flags: [.ack], seq: c &+ 1, ack: s &+ 1)
        h.advance(50)
        h.tcp(flags: [.psh, .ack], seq: c &+ 1, ack: s &+ 1, payload: request)
        h.advance(50)
        h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.psh, .ack], seq: s &+ 1,
              ack: requestEnd, payload: reply)
        h.advance(50)
        h.tcp(flags: [.ack], seq: requestEnd, ack: replyEnd)
        h.advance(50)
        if serverClosesFirst {
            h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.fin, .ack], seq: replyEnd, ack: requestEnd)
            h.advance(50)
            h.tcp(flags: [.fin, .ack], seq: requestEnd, ack: replyEnd &+ 1)
            h.advance(50)
            h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.ack], seq: replyEnd &+ 1,
                  ack: requestEnd &+ 1)
        } else {
            h.tcp(flags: [.fin, .ack], seq: requestEnd, ack: replyEnd)
            h.advance(50)
            h.tcp(from: TrackerHarness.server, 80, to: TrackerHarness.client, 40000, flags: [.fin, .ack], seq: replyEnd,
                  ack: requestEnd &+ 1)
            h.advance(50)
            h.tcp(flags: [.ack], seq: requestEnd &+ 1, ack: replyEnd &+ 1)
        }
        var http = h.tracker.drain().http
        h.tracker.finishAll()
        http += h.tracker.drain().http
        return http
    }

    @Test func serverFINFirstAddsAnEmptyNextDepthRow() {
        let rows = Self.http09(serverClosesFirst: true)
        #expect(rows.map(\.transDepth) == [1, 2])
        guard rows.count == 2 else { return }
        #expect(rows[0].method == "GET")
        #expect(rows[0].uri == "/zeek.html")
        #expect(rows[0].version == "0.9")
        #expect(rows[0].responseBodyLength == UInt64(Self.reply.count))
        // The extra row has every field unset, as Zeek's.
        let empty = rows[1]
        #expect(empty.method == nil && empty.uri == nil && empty.host == nil && empty.version == nil)
        #expect(empty.statusCode == nil && empty.statusMessage == nil)
        #expect(empty.requestBodyLength == 0 && empty.responseBodyLength == 0)
        #expect(empty.uid == rows[0].uid)
    }

    @Test func clientFINFirstAddsNoRow() {
        let rows = Self.http09(serverClosesFirst: false)
        #expect(rows.map(\.transDepth) == [1])
        #expect(rows.first?.version == "0.9")
        #expect(rows.first?.responseBodyLength == UInt64(Self.reply.count))
    }

    /// A complete HTTP/1.1 request message is not open at the client's FIN: no extra row.
    @Test func completeRequestAddsNoRowWhateverTheFINOrder() {
        let request = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        let reply = Array("HTTP/1.1 200 OK\r\n\r\nbody until close".utf8)
        for serverFirst in [true, false] {
            let rows = Self.http09(serverClosesFirst: serverFirst, request: request, reply: reply)
            #expect(rows.map(\.transDepth) == [1])
            #expect(rows.first?.statusCode == 200)
            #expect(rows.first?.responseBodyLength == 16)
        }
    }

    /// The reply read until close is written at the server's FIN, not at removal.
    @Test func replyUntilCloseIsWrittenAtTheServersFIN() {
        var analyzer = HTTPAnalyzer()
        var output = RecordBatch()
        let context = AnalyzersHTTPUnitTests.context
        _ = Self.request.withUnsafeBytes {
            analyzer.deliver($0, fromOriginator: true, at: .zero, context: context, output: &output)
        }
        _ = Self.reply.withUnsafeBytes {
            analyzer.deliver($0, fromOriginator: false, at: .zero, context: context, output: &output)
        }
        #expect(output.http.isEmpty)
        analyzer.endOfStream(fromOriginator: false, at: .zero, context: context, output: &output)
        #expect(output.http.map(\.transDepth) == [1])
        analyzer.endOfStream(fromOriginator: true, at: .zero, context: context, output: &output)
        analyzer.finish(at: .zero, context: context, output: &output)
        #expect(output.http.map(\.transDepth) == [1, 2])
    }
}

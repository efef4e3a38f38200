import FleetModel
import FleetTesting
import FleetWire
import NIOCore
import Testing

/// Measures compressed bytes per record for a realistic mix and holds the
/// conn budget (32 bytes per conn record, frame header included).
@Suite struct WireSizeTests {
    static func frameSize(_ records: RecordBatch) throws -> Int {
        let message = WireMessage.batch(RoundTripTests.batch(records))
        var bytes = ByteBuffer()
        try WireCodec().write(message, to: &bytes)
        return bytes.readableBytes
    }

    @Test func connRecordsFitTheBudget() throws {
        var traffic = RecordMix(seed: 2026)
        let records = traffic.make(conns: 5_000)
        var conns = RecordBatch()
        conns.conns = records.conns
        var dns = RecordBatch()
        dns.dns = records.dns
        var http = RecordBatch()
        http.http = records.http
        let empty = try Self.frameSize(RecordBatch())
        let connBytes = try Self.frameSize(conns)
        let dnsBytes = try Self.frameSize(dns)
        let httpBytes = try Self.frameSize(http)
        let allBytes = try Self.frameSize(records)
        let perConn = Double(connBytes - empty) / Double(conns.conns.count)
        func format(_ value: Double) -> String { String(Int((value * 100).rounded())).inserted(dot: 2) }
        print("""
            wire size (zlib level 6, 5,000-conn realistic mix):
              empty batch frame: \(empty) B
              conn:  \(conns.conns.count) records, \(connBytes) B, \(format(perConn)) B/record
              dns:   \(dns.dns.count) records, \(dnsBytes) B, \(format(Double(dnsBytes - empty) / Double(dns.dns.count))) B/record
              http:  \(http.http.count) records, \(httpBytes) B, \(format(Double(httpBytes - empty) / Double(http.http.count))) B/record
              all together: \(records.count) records, \(allBytes) B
            """)
        #expect(perConn <= 32)
    }
}

private extension String {
    /// "3112" with dot 2 -> "31.12".
    func inserted(dot decimals: Int) -> String {
        let padded = count <= decimals ? String(repeating: "0", count: decimals + 1 - count) + self : self
        return String(padded.dropLast(decimals)) + "." + String(padded.suffix(decimals))
    }
}

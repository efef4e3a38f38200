import FleetModel
import Foundation
import Storage
import StorageSQLite
import Testing
import ZeekLogs

/// A zeek-cut equivalent: reads the `#separator`/`#fields` header the way zeek-cut does and
/// prints the chosen columns, so `-o zeek` output is held to the contract zeek-cut relies on.
struct ZeekCut {
    var fields: [String] = []
    var types: [String] = []
    var rows: [[String]] = []
    var path: String?
    var closed = false

    init(_ text: String) throws {
        var separator: Character = "\t"
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("#separator ") {
                let value = line.dropFirst("#separator ".count)
                // zeek-cut decodes `\xNN`.
                guard value.hasPrefix("\\x"), let code = UInt8(value.dropFirst(2), radix: 16) else {
                    throw ZeekCutError.badSeparator
                }
                separator = Character(Unicode.Scalar(code))
                continue
            }
            let columns = line.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
            if line.hasPrefix("#") {
                switch columns.first {
                case "#fields": fields = Array(columns.dropFirst())
                case "#types": types = Array(columns.dropFirst())
                case "#path": path = columns.count > 1 ? columns[1] : nil
                case "#close": closed = true
                default: break
                }
                continue
            }
            guard columns.count == fields.count else { throw ZeekCutError.columnCount(columns.count, fields.count) }
            rows.append(columns)
        }
    }

    /// `zeek-cut name...`: the named columns of every row ("" for an unknown name, as zeek-cut).
    func cut(_ names: String...) -> [[String]] {
        let indices = names.map { fields.firstIndex(of: $0) }
        return rows.map { row in indices.map { $0.map { row[$0] } ?? "" } }
    }

    enum ZeekCutError: Error { case badSeparator, columnCount(Int, Int) }
}

@Suite(.serialized)
struct ZeekCutTests {
    @Test func connOutputReadsLikeZeekCut() async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        let output = try await fixture.withServer { port in
            try await fleetctl(["conn", "--since", "3h", "-o", "zeek"], port: port)
        }
        let log = try ZeekCut(output)
        #expect(log.path == "conn")
        #expect(log.closed)
        #expect(log.types.count == log.fields.count)
        // Zeek's columns first, in Zeek's order, then the agent.
        let zeekColumns = ConnRecord.zeekSchema.fields.filter { !$0.jsonOnly }
        #expect(Array(log.fields.prefix(zeekColumns.count)) == zeekColumns.map(\.name))
        #expect(Array(log.types.prefix(zeekColumns.count)) == zeekColumns.map(\.type))
        #expect(log.fields.last == "agent")
        // `fleetctl conn --since 3h -o zeek | zeek-cut id.resp_h duration`
        #expect(log.cut("id.resp_h", "duration") == [
            ["198.51.100.9", "-"], ["93.184.216.34", "754.000000"], ["10.0.0.53", "0.025000"],
            ["93.184.216.34", "3.500000"],
        ])
        #expect(log.cut("uid", "agent", "conn_state", "service") == [
            ["CA3", "alpha", "S0", "-"], ["CA1", "alpha", "SF", "ssl"], ["CA2", "alpha", "SF", "dns"],
            ["CB1", "beta", "RSTO", "http"],
        ])
    }

    /// The rows of `-o zeek` are byte for byte what ZeekLogWriter writes for the stored records
    /// (the API's JSON survives the round trip), for every record kind.
    @Test func zeekRowsEqualTheWritersRows() async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        try await fixture.withServer { port in
            func rows(_ text: String) -> [Substring] {
                text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
                    // Drop the trailing agent column.
                    line[..<(line.lastIndex(of: "\t") ?? line.endIndex)]
                }
            }
            func writerRows<R: ZeekLogRecord>(_ records: [StoredRecord<R>]) -> [Substring] {
                let bytes = ZeekLogWriter.render(records.map(\.record), openTime: APIFixture.now, closeTime: APIFixture.now)
                return String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }
            }
            let all = RecordQuery(limit: 100)
            let connRows = rows(try await fleetctl(["conn", "-o", "zeek"], port: port))
            let storedConns = writerRows(try await fixture.store.conns(all))
            #expect(connRows == storedConns)
            let dnsRows = rows(try await fleetctl(["dns", "-o", "zeek"], port: port))
            let storedDNS = writerRows(try await fixture.store.dns(all))
            #expect(dnsRows == storedDNS)
            let httpRows = rows(try await fleetctl(["http", "-o", "zeek"], port: port))
            let storedHTTP = writerRows(try await fixture.store.http(all))
            #expect(httpRows == storedHTTP)
            let sslRows = rows(try await fleetctl(["ssl", "-o", "zeek"], port: port))
            let storedSSL = writerRows(try await fixture.store.ssl(all))
            #expect(sslRows == storedSSL)
            #expect(connRows.count == 4 && dnsRows.count == 3 && httpRows.count == 1 && sslRows.count == 1)
        }
    }
}

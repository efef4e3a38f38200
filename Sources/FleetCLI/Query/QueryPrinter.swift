import FleetModel
public import ArgumentParser
import ZeekLogs

/// How query results are printed.
public enum QueryOutputFormat: String, ExpressibleByArgument, Sendable, CaseIterable {
    /// Aligned columns that fit 100 characters, UTC times (default).
    case table
    /// The API's JSON lines, unchanged.
    case json
    /// Zeek TSV with its `#` header, for `zeek-cut` (record commands only); `agent` is the last column.
    case zeek
}

/// Turns the API's lines into the chosen output, writing through `emit` as it goes (table
/// output is aligned, so it is written at the end).
struct QueryPrinter {
    private let format: QueryOutputFormat
    private let kind: QueryKind
    private var writer: ZeekLogWriter?
    private var schema: ZeekLogSchema?
    private var table: TextTable
    private(set) var count = 0

    /// Zeek TSV output's schema: the log's own, plus the agent as the last column.
    static func zeekSchema(_ base: ZeekLogSchema) -> ZeekLogSchema {
        ZeekLogSchema(path: base.path, fields: base.fields + [ZeekLogSchema.Field("agent", "string")])
    }

    /// - Throws: ``FleetctlError`` when `-o zeek` is asked of a kind that is not a Zeek log.
    init(format: QueryOutputFormat, kind: QueryKind, openTime: NetworkTime) throws(FleetctlError) {
        self.format = format
        self.kind = kind
        table = TextTable(columns: kind.columns)
        if format == .zeek {
            guard let base = kind.schema else {
                throw FleetctlError("-o zeek applies to conn, dns, http and ssl; use -o json or -o table", exitCode: 2)
            }
            let schema = Self.zeekSchema(base)
            self.schema = schema
            writer = ZeekLogWriter(schema: schema, format: .tsv, openTime: openTime)
        }
    }

    mutating func line(_ bytes: ArraySlice<UInt8>, emit: ([UInt8]) -> Void) throws(FleetctlError) {
        guard !bytes.isEmpty else { return }
        count += 1
        switch format {
        case .json:
            emit(Array(bytes) + [0x0a])
        case .zeek:
            guard var writer, let schema else { return }
            let row = try ZeekJSONRow(line: bytes)
            var values = row.values(for: schema)
            values[values.count - 1] = .string(row.agent)
            writer.append(values: values)
            if writer.bufferedByteCount >= 1 << 16 { emit(writer.takeBytes()) }
            self.writer = writer
        case .table:
            table.rows.append(kind.cells(try ZeekJSONRow(line: bytes)))
        }
    }

    mutating func finish(closeTime: NetworkTime, emit: ([UInt8]) -> Void) {
        switch format {
        case .json: break
        case .zeek:
            guard var writer else { return }
            writer.close(at: closeTime)
            emit(writer.takeBytes())
            self.writer = writer
        case .table:
            emit(Array((table.rows.isEmpty ? "no \(kind.path == "anomalies" ? "anomalies" : "records")\n" : table.render()).utf8))
        }
    }
}

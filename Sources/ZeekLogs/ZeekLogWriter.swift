public import FleetModel

/// Writes one Zeek log stream (conn, dns, ...) as bytes, in Zeek's TSV or JSON format.
///
/// Pure: the writer only fills a buffer. The caller drains it with `takeBytes()`
/// and writes the bytes wherever it likes; `#open`/`#close` times are passed in.
/// Not thread-safe; own one writer per stream in one task.
public struct ZeekLogWriter: Sendable {
    public let schema: ZeekLogSchema
    public let format: ZeekLogFormat
    /// Rows appended so far.
    public private(set) var rowCount = 0
    /// True once `close(at:)` wrote the trailer.
    public private(set) var isClosed = false
    private var buffer: [UInt8] = []
    /// Indices of the fields this format writes.
    private let columns: [Int]

    /// Creates a writer and, for TSV, writes the header block.
    /// - Parameters:
    ///   - schema: the log's fields (e.g. `ConnRecord.zeekSchema`).
    ///   - format: TSV (Zeek's default ASCII) or JSON lines.
    ///   - openTime: the `#open` time (TSV only).
    public init(schema: ZeekLogSchema, format: ZeekLogFormat = .tsv, openTime: NetworkTime) {
        self.schema = schema
        self.format = format
        columns = schema.fields.indices.filter { format == .json || !schema.fields[$0].jsonOnly }
        buffer.reserveCapacity(64 * 1024)
        if format == .tsv { writeHeader(openTime: openTime) }
    }

    /// Bytes written since the last call; the writer keeps no copy.
    public mutating func takeBytes() -> [UInt8] {
        let bytes = buffer
        buffer.removeAll(keepingCapacity: true)
        return bytes
    }

    /// Bytes buffered and not yet taken.
    public var bufferedByteCount: Int { buffer.count }

    /// Appends one record as a row.
    public mutating func append(_ record: some ZeekLogRecord) {
        append(values: record.zeekValues)
    }

    /// Appends one row given as values in schema order; missing trailing values are unset.
    public mutating func append(values: [ZeekValue]) {
        rowCount += 1
        switch format {
        case .tsv: appendTSVRow(values)
        case .json: appendJSONRow(values)
        }
    }

    /// Writes the `#close` trailer (TSV); further calls do nothing.
    public mutating func close(at time: NetworkTime) {
        guard !isClosed else { return }
        isClosed = true
        if format == .tsv {
            buffer.append(contentsOf: "#close\t\(ZeekTimestamp.logText(time))\n".utf8)
        }
    }

    /// Renders a whole log in one go (header, rows, trailer).
    public static func render<Record: ZeekLogRecord>(
        _ records: [Record], format: ZeekLogFormat = .tsv, openTime: NetworkTime, closeTime: NetworkTime
    ) -> [UInt8] {
        var writer = ZeekLogWriter(schema: Record.zeekSchema, format: format, openTime: openTime)
        for record in records { writer.append(record) }
        writer.close(at: closeTime)
        return writer.takeBytes()
    }

    private mutating func writeHeader(openTime: NetworkTime) {
        let names = columns.map { schema.fields[$0].name }.joined(separator: "\t")
        let types = columns.map { schema.fields[$0].type }.joined(separator: "\t")
        let header = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
            + "#path\t\(schema.path)\n#open\t\(ZeekTimestamp.logText(openTime))\n"
            + "#fields\t\(names)\n#types\t\(types)\n"
        buffer.append(contentsOf: header.utf8)
    }

    private mutating func appendTSVRow(_ values: [ZeekValue]) {
        for (position, index) in columns.enumerated() {
            if position > 0 { buffer.append(0x09) }
            appendTSV(index < values.count ? values[index] : .unset)
        }
        buffer.append(0x0a)
    }

    private mutating func appendTSV(_ value: ZeekValue) {
        switch value {
        case .unset: buffer.append(UInt8(ascii: "-"))
        case .string(let text): ZeekEscaping.appendTSV(text, inSet: false, to: &buffer)
        case .count(let number): ZeekEscaping.appendDecimal(number, to: &buffer)
        case .time(let time): ZeekEscaping.appendSixDecimals(time.microseconds, to: &buffer)
        case .interval(let span): ZeekEscaping.appendSixDecimals(span.microseconds, to: &buffer)
        case .bool(let flag): buffer.append(flag ? UInt8(ascii: "T") : UInt8(ascii: "F"))
        case .addr(let address): ZeekEscaping.appendAddress(address, to: &buffer)
        case .port(let port): ZeekEscaping.appendDecimal(UInt64(port), to: &buffer)
        case .enumName(let name): ZeekEscaping.appendTSV(name, inSet: false, to: &buffer)
        case .strings(let elements):
            if elements.isEmpty {
                buffer.append(contentsOf: "(empty)".utf8)
                return
            }
            for (position, element) in elements.enumerated() {
                if position > 0 { buffer.append(UInt8(ascii: ",")) }
                ZeekEscaping.appendTSV(element, inSet: true, to: &buffer)
            }
        case .intervals(let spans):
            if spans.isEmpty {
                buffer.append(contentsOf: "(empty)".utf8)
                return
            }
            for (position, span) in spans.enumerated() {
                if position > 0 { buffer.append(UInt8(ascii: ",")) }
                ZeekEscaping.appendSixDecimals(span.microseconds, to: &buffer)
            }
        }
    }

    private mutating func appendJSONRow(_ values: [ZeekValue]) {
        buffer.append(UInt8(ascii: "{"))
        var first = true
        for index in columns {
            let value = index < values.count ? values[index] : .unset
            if case .unset = value { continue }
            if !first { buffer.append(UInt8(ascii: ",")) }
            first = false
            ZeekEscaping.appendJSONString(schema.fields[index].name, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
            appendJSON(value)
        }
        buffer.append(contentsOf: "}\n".utf8)
    }

    private mutating func appendJSON(_ value: ZeekValue) {
        switch value {
        case .unset: buffer.append(contentsOf: "null".utf8)
        case .string(let text), .enumName(let text): ZeekEscaping.appendJSONString(text, to: &buffer)
        case .count(let number): ZeekEscaping.appendDecimal(number, to: &buffer)
        case .time(let time): ZeekEscaping.appendJSONSeconds(time.microseconds, to: &buffer)
        case .interval(let span): ZeekEscaping.appendJSONSeconds(span.microseconds, to: &buffer)
        case .bool(let flag): buffer.append(contentsOf: (flag ? "true" : "false").utf8)
        case .addr(let address):
            // Addresses need no escaping.
            buffer.append(UInt8(ascii: "\""))
            ZeekEscaping.appendAddress(address, to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        case .port(let port): ZeekEscaping.appendDecimal(UInt64(port), to: &buffer)
        case .strings(let elements):
            buffer.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { buffer.append(UInt8(ascii: ",")) }
                ZeekEscaping.appendJSONString(element, to: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .intervals(let spans):
            buffer.append(UInt8(ascii: "["))
            for (position, span) in spans.enumerated() {
                if position > 0 { buffer.append(UInt8(ascii: ",")) }
                ZeekEscaping.appendJSONSeconds(span.microseconds, to: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        }
    }
}

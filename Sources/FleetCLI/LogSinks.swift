import FleetModel
import Foundation
import ZeekLogs

/// The open log streams of one analysis: a writer per log, created on its first
/// row (Zeek writes no file for a log without rows), flushed to disk in chunks.
struct LogSinks {
    private struct Sink {
        var writer: ZeekLogWriter
        var file: FileHandle?
    }

    private let format: ZeekLogFormat
    private let directory: String?
    private let openTime: NetworkTime
    private var sinks: [String: Sink] = [:]
    private(set) var rows: [String: Int] = [:]
    private(set) var filesWritten: [String] = []
    /// Buffered bytes per log before they go to the file.
    private let flushThreshold = 1 << 20

    init(options: OfflineAnalysis.Options, openTime: NetworkTime) {
        format = options.format
        directory = options.outputDirectory
        self.openTime = openTime
    }

    mutating func write(_ batch: RecordBatch) throws(OfflineAnalysisError) {
        try write(batch.conns)
        try write(batch.dns)
        try write(batch.http)
        try write(batch.ssl)
        try write(batch.weirds)
    }

    mutating func write<Record: ZeekLogRecord>(_ records: [Record]) throws(OfflineAnalysisError) {
        guard !records.isEmpty else { return }
        let path = Record.zeekSchema.path
        rows[path, default: 0] += records.count
        guard directory != nil else { return }
        // Taken out of the table while it is written: a copy left in the table would share the
        // buffer, and the first append would copy all of it.
        var sink: Sink
        if let existing = sinks.removeValue(forKey: path) {
            sink = existing
        } else {
            sink = try open(Record.zeekSchema)
        }
        defer { sinks[path] = sink }
        for record in records { sink.writer.append(record) }
        if sink.writer.bufferedByteCount >= flushThreshold { try flush(&sink, path: path) }
    }

    mutating func close(at time: NetworkTime) throws(OfflineAnalysisError) {
        for path in sinks.keys.sorted() {
            guard var sink = sinks[path] else { continue }
            sink.writer.close(at: time)
            try flush(&sink, path: path)
            try? sink.file?.close()
            sink.file = nil
            sinks[path] = sink
        }
    }

    private mutating func open(_ schema: ZeekLogSchema) throws(OfflineAnalysisError) -> Sink {
        let directory = directory ?? "."
        let filePath = (directory as NSString).appendingPathComponent(schema.path + ".log")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OfflineAnalysisError(message: "\(directory): cannot create directory (\(error.localizedDescription))")
        }
        guard FileManager.default.createFile(atPath: filePath, contents: nil),
              let handle = FileHandle(forWritingAtPath: filePath) else {
            throw OfflineAnalysisError(message: "\(filePath): cannot create file")
        }
        filesWritten.append(filePath)
        return Sink(writer: ZeekLogWriter(schema: schema, format: format, openTime: openTime), file: handle)
    }

    private func flush(_ sink: inout Sink, path: String) throws(OfflineAnalysisError) {
        let bytes = sink.writer.takeBytes()
        guard !bytes.isEmpty, let file = sink.file else { return }
        do {
            try file.write(contentsOf: bytes)
        } catch {
            throw OfflineAnalysisError(message: "\(path).log: write failed (\(error.localizedDescription))")
        }
    }
}

import Foundation
import PcapWriter

/// Error writing the output file.
struct FileSinkError: Error, CustomStringConvertible {
    let description: String
}

/// Appends byte chunks to a file (created or truncated).
final class FileSink {
    private let handle: FileHandle
    private let path: String

    init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw FileSinkError(description: "cannot create \(path)")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw FileSinkError(description: "cannot open \(path)")
        }
        self.handle = handle
    }

    func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        try bytes.withUnsafeBytes { raw in
            try handle.write(contentsOf: Data(raw))
        }
    }

    func close() throws {
        try handle.close()
    }
}

/// Ethernet pcap writer used by both subcommands.
struct PcapWriterFacade {
    private var writer = PcapFileWriter(linkType: 1, snapshotLength: 65_535)

    mutating func append(_ frame: TimedFrame) { writer.append(frame) }
    var pendingBytes: Int { writer.bytes.count }
    var packetCount: Int { writer.packetCount }
    var totalBytes: Int { writer.totalBytes }
    mutating func takeBytes() -> [UInt8] { writer.takeBytes() }
}

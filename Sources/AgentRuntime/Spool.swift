import Foundation
public import Logging

/// Where and how much the spool may keep.
public struct SpoolConfiguration: Sendable, Hashable {
    /// Directory of `<sequence>.batch` files (created when missing).
    public var directory: String
    /// Upper bound on the bytes of all batch files (headers included); the oldest batches are
    /// deleted to make room.
    public var maxBytes: Int
    /// fsync each file and the directory after every write (turn off only in tests).
    public var synchronous: Bool

    public init(directory: String, maxBytes: Int = 256 << 20, synchronous: Bool = true) {
        self.directory = directory
        self.maxBytes = max(0, maxBytes)
        self.synchronous = synchronous
    }
}

/// What `Spool.load()` found.
public struct SpoolContents: Sendable, Hashable {
    /// Spooled batches, oldest (lowest sequence) first, with their payload sizes.
    public var batches: [(sequence: UInt64, payloadBytes: Int)] {
        zip(sequences, payloadSizes).map { ($0, $1) }
    }
    /// Sequence numbers of the spooled batches, ascending.
    public var sequences: [UInt64]
    var payloadSizes: [Int]
    /// The last persisted sequence reservation (0 when none).
    public var reservedThrough: UInt64
    /// The highest sequence number ever used: numbering resumes after it.
    public var highestSequence: UInt64 { max(reservedThrough, sequences.last ?? 0) }
}

/// Counters of the spool.
public struct SpoolStatistics: Sendable, Hashable {
    /// Batches currently spooled.
    public var batches = 0
    /// Bytes of all batch files.
    public var bytes = 0
    /// Batches deleted to stay under `maxBytes` (or too large to spool at all).
    public var droppedBatches: UInt64 = 0
    public var droppedBytes: UInt64 = 0
    /// Damaged, partial or misnamed batch files skipped (and removed).
    public var corruptFiles: UInt64 = 0
    public init() {}
}

/// A bounded directory of batches waiting for the aggregator, one file per batch.
///
/// Writes are atomic (temp file, fsync, rename, directory fsync), so a crash leaves either the
/// whole batch or none of it. Payloads are opaque bytes. Damaged files are skipped, counted and
/// removed — never a crash.
///
/// Not Sendable: owned by the shipper, which calls it from one task.
public final class Spool {
    public let configuration: SpoolConfiguration
    public private(set) var statistics = SpoolStatistics()
    private let logger: Logger
    /// Spooled batches by ascending sequence, with their file sizes.
    private var index: [(sequence: UInt64, fileBytes: Int)] = []

    /// Opens (creating when needed) the spool directory. Call `load()` before anything else.
    ///
    /// - Throws: `SpoolError` when the directory cannot be created.
    public init(configuration: SpoolConfiguration, logger: Logger) throws(SpoolError) {
        self.configuration = configuration
        self.logger = logger
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.directory, withIntermediateDirectories: true
            )
        } catch {
            throw .directory("cannot create \(configuration.directory): \(error)")
        }
    }

    /// Scans the directory: removes leftovers of interrupted writes and damaged files (counted),
    /// trims to `maxBytes`, and returns what is spooled plus the sequence reservation.
    ///
    /// - Throws: `SpoolError` when the directory cannot be listed.
    public func load() throws(SpoolError) -> SpoolContents {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: configuration.directory)
        } catch {
            throw .directory("cannot list \(configuration.directory): \(error)")
        }
        index = []
        var payloadSizes: [UInt64: Int] = [:]
        for name in names.sorted() {
            let path = self.path(name)
            if name.hasSuffix(SpoolFile.temporarySuffix) {
                FileIO.remove(path)
                logger.info("Removed a partial spool write", metadata: ["spool.file": "\(name)"])
                continue
            }
            guard name.hasSuffix(SpoolFile.suffix) else { continue }
            guard let sequence = SpoolFile.sequence(fromName: name),
                  let fileBytes = FileIO.regularFileSize(path),
                  case .bytes(let headerBytes) = FileIO.readFile(path, limit: SpoolFile.headerSize),
                  let header = SpoolFile.decodeHeader(headerBytes),
                  header.sequence == sequence,
                  fileBytes == SpoolFile.headerSize + header.payloadLength
            else {
                discardCorrupt(name: name)
                continue
            }
            index.append((sequence, fileBytes))
            payloadSizes[sequence] = header.payloadLength
        }
        index.sort { $0.sequence < $1.sequence }
        statistics.batches = index.count
        statistics.bytes = index.reduce(0) { $0 + $1.fileBytes }
        _ = evict(toFit: 0)
        return SpoolContents(
            sequences: index.map(\.sequence), payloadSizes: index.map { payloadSizes[$0.sequence] ?? 0 },
            reservedThrough: loadReservation()
        )
    }

    /// Spools one batch, first deleting the oldest batches when it would not fit.
    ///
    /// - Returns: the sequences deleted to make room, oldest first — report them to the ledger
    ///   (`spoolLost`). Contains `sequence` itself when the batch alone exceeds `maxBytes`.
    /// - Throws: `SpoolError` when the file cannot be written durably (nothing is spooled then).
    @discardableResult
    public func write(sequence: UInt64, payload: [UInt8]) throws(SpoolError) -> [UInt64] {
        let fileBytes = SpoolFile.headerSize + payload.count
        guard fileBytes <= configuration.maxBytes else {
            statistics.droppedBatches += 1
            statistics.droppedBytes += UInt64(fileBytes)
            logger.warning("Batch larger than the whole spool dropped", metadata: [
                "spool.sequence": "\(sequence)", "spool.bytes": "\(fileBytes)",
            ])
            return [sequence]
        }
        if let existing = position(of: sequence) { removeEntry(at: existing, deleteFile: false) }
        let evicted = evict(toFit: fileBytes)
        let final = path(SpoolFile.name(for: sequence))
        let temporary = path(".\(SpoolFile.name(for: sequence))\(SpoolFile.temporarySuffix)")
        let header = SpoolFile.encodeHeader(sequence: sequence, payload: payload)
        if let failure = FileIO.writeFile(temporary, parts: [header, payload], sync: configuration.synchronous)
            ?? FileIO.renameFile(temporary, final)
            ?? (configuration.synchronous ? FileIO.syncDirectory(configuration.directory) : nil)
        {
            FileIO.remove(temporary)
            throw .write(failure)
        }
        insert(sequence: sequence, fileBytes: fileBytes)
        return evicted
    }

    /// Reads a spooled batch's payload back.
    ///
    /// - Returns: nil when the batch is not spooled or its file is damaged (then it is removed
    ///   and counted) — report it to the ledger as lost.
    /// - Throws: `SpoolError` on an I/O error (the file is kept).
    public func read(sequence: UInt64) throws(SpoolError) -> [UInt8]? {
        guard let position = position(of: sequence) else { return nil }
        let name = SpoolFile.name(for: sequence)
        switch FileIO.readFile(path(name), limit: index[position].fileBytes + 1) {
        case .missing:
            removeEntry(at: position, deleteFile: false)
            statistics.corruptFiles += 1
            return nil
        case .failed(let message):
            throw .read(message)
        case .bytes(let bytes):
            guard let header = SpoolFile.decodeHeader(bytes), header.sequence == sequence,
                  bytes.count == SpoolFile.headerSize + header.payloadLength
            else {
                removeEntry(at: position, deleteFile: false)
                discardCorrupt(name: name)
                return nil
            }
            let payload = Array(bytes[SpoolFile.headerSize...])
            guard CRC32.checksum(payload) == header.checksum else {
                removeEntry(at: position, deleteFile: false)
                discardCorrupt(name: name)
                return nil
            }
            return payload
        }
    }

    /// Deletes an acknowledged batch (no-op when it is not spooled).
    public func delete(sequence: UInt64) {
        guard let position = position(of: sequence) else { return }
        removeEntry(at: position, deleteFile: true)
    }

    /// Durably records that sequence numbers up to `through` are taken.
    ///
    /// - Throws: `SpoolError` when it cannot be written; do not use those numbers then.
    public func persistReservation(through: UInt64) throws(SpoolError) {
        let final = path(SpoolFile.reservationName)
        let temporary = path(".\(SpoolFile.reservationName)\(SpoolFile.temporarySuffix)")
        let text = Array("\(through)\n".utf8)
        if let failure = FileIO.writeFile(temporary, parts: [text], sync: configuration.synchronous)
            ?? FileIO.renameFile(temporary, final)
            ?? (configuration.synchronous ? FileIO.syncDirectory(configuration.directory) : nil)
        {
            FileIO.remove(temporary)
            throw .write(failure)
        }
    }

    /// Spooled sequence numbers, ascending.
    public var sequences: [UInt64] { index.map(\.sequence) }

    // MARK: - Internals

    private func path(_ name: String) -> String { configuration.directory + "/" + name }

    private func loadReservation() -> UInt64 {
        guard case .bytes(let bytes) = FileIO.readFile(path(SpoolFile.reservationName), limit: 32) else { return 0 }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let value = UInt64(text) else {
            logger.warning("Unreadable sequence reservation ignored", metadata: ["spool.file": "\(SpoolFile.reservationName)"])
            return 0
        }
        return value
    }

    private func discardCorrupt(name: String) {
        statistics.corruptFiles += 1
        FileIO.remove(path(name))
        logger.warning("Damaged spool file skipped and removed", metadata: ["spool.file": "\(name)"])
    }

    /// Deletes the oldest batches until `incoming` more bytes fit; returns their sequences.
    private func evict(toFit incoming: Int) -> [UInt64] {
        var evicted: [UInt64] = []
        while !index.isEmpty && statistics.bytes + incoming > configuration.maxBytes {
            let oldest = index[0]
            removeEntry(at: 0, deleteFile: true)
            statistics.droppedBatches += 1
            statistics.droppedBytes += UInt64(oldest.fileBytes)
            evicted.append(oldest.sequence)
        }
        if !evicted.isEmpty {
            logger.warning("Spool full: oldest batches dropped", metadata: [
                "spool.dropped": "\(evicted.count)", "spool.first": "\(evicted[0])",
            ])
        }
        return evicted
    }

    private func position(of sequence: UInt64) -> Int? {
        var low = 0
        var high = index.count
        while low < high {
            let middle = (low + high) / 2
            if index[middle].sequence < sequence { low = middle + 1 } else { high = middle }
        }
        return low < index.count && index[low].sequence == sequence ? low : nil
    }

    private func insert(sequence: UInt64, fileBytes: Int) {
        var low = 0
        var high = index.count
        while low < high {
            let middle = (low + high) / 2
            if index[middle].sequence < sequence { low = middle + 1 } else { high = middle }
        }
        index.insert((sequence, fileBytes), at: low)
        statistics.batches = index.count
        statistics.bytes += fileBytes
    }

    private func removeEntry(at position: Int, deleteFile: Bool) {
        let entry = index.remove(at: position)
        statistics.batches = index.count
        statistics.bytes -= entry.fileBytes
        if deleteFile { FileIO.remove(path(SpoolFile.name(for: entry.sequence))) }
    }
}

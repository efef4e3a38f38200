@testable import AgentRuntime
import Foundation
import Logging
import Testing

@Suite struct SpoolTests {
    static let logger = Logger(label: "fleetwatch.test.spool", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A fresh directory removed by `cleanUp`.
    struct TemporaryDirectory {
        let path: String
        init() {
            path = FileManager.default.temporaryDirectory
                .appendingPathComponent("fleetwatch-spool-\(UUID().uuidString)").path
        }
        func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { path + "/" + name }
    }

    static func payload(_ sequence: UInt64, size: Int = 100) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: Int(sequence) &* 31 &+ $0) }
    }

    static func spool(_ directory: TemporaryDirectory, maxBytes: Int = 1 << 20) throws -> Spool {
        try Spool(configuration: SpoolConfiguration(directory: directory.path, maxBytes: maxBytes), logger: logger)
    }

    @Test func writesReadsAndDeletesBatches() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let spool = try Self.spool(directory)
        #expect(try spool.load().sequences.isEmpty)
        for sequence: UInt64 in [1, 2, 3] { #expect(try spool.write(sequence: sequence, payload: Self.payload(sequence)).isEmpty) }
        #expect(spool.sequences == [1, 2, 3])
        #expect(try spool.read(sequence: 2) == Self.payload(2))
        #expect(try spool.read(sequence: 9) == nil)
        spool.delete(sequence: 2)
        #expect(spool.sequences == [1, 3])
        #expect(!FileManager.default.fileExists(atPath: directory.file("2.batch")))
        #expect(FileManager.default.fileExists(atPath: directory.file("3.batch")))
        #expect(spool.statistics.batches == 2)
        #expect(spool.statistics.bytes == 2 * (100 + 24))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func staysBoundedByDroppingTheOldest() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let spool = try Self.spool(directory, maxBytes: 3 * 124)  // room for three 100-byte batches
        _ = try spool.load()
        var evicted: [UInt64] = []
        for sequence: UInt64 in 1...5 { evicted += try spool.write(sequence: sequence, payload: Self.payload(sequence)) }
        #expect(evicted == [1, 2])
        #expect(spool.sequences == [3, 4, 5])
        #expect(spool.statistics.droppedBatches == 2)
        #expect(spool.statistics.droppedBytes == 2 * 124)
        #expect(spool.statistics.bytes <= 3 * 124)
        // A bigger batch pushes out as many as needed.
        #expect(try spool.write(sequence: 6, payload: Self.payload(6, size: 200)) == [3, 4])
        #expect(spool.sequences == [5, 6])
        // A batch larger than the whole spool is refused, and counted, without touching the rest.
        #expect(try spool.write(sequence: 7, payload: Self.payload(7, size: 1000)) == [7])
        #expect(spool.sequences == [5, 6])
        #expect(spool.statistics.droppedBatches == 5)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".batch") }
        #expect(Set(files) == ["5.batch", "6.batch"])
    }

    @Test func restartReturnsBatchesInOrderAndResumesNumbering() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        do {
            let spool = try Self.spool(directory)
            _ = try spool.load()
            try spool.persistReservation(through: 1024)
            for sequence: UInt64 in [10, 9, 100, 11] { try spool.write(sequence: sequence, payload: Self.payload(sequence, size: Int(sequence))) }
        }
        let reopened = try Self.spool(directory)
        let contents = try reopened.load()
        #expect(contents.sequences == [9, 10, 11, 100])
        #expect(contents.batches.map(\.payloadBytes) == [9, 10, 11, 100])
        #expect(contents.reservedThrough == 1024)
        #expect(contents.highestSequence == 1024)
        for sequence in contents.sequences { #expect(try reopened.read(sequence: sequence) == Self.payload(sequence, size: Int(sequence))) }

        let unreserved = TemporaryDirectory()
        defer { unreserved.cleanUp() }
        let spool = try Self.spool(unreserved)
        _ = try spool.load()
        try spool.write(sequence: 5, payload: [1])
        #expect(try Self.spool(unreserved).load().highestSequence == 5)
    }

    @Test func garbageAndPartialFilesAreSkippedCountedAndRemoved() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        do {
            let spool = try Self.spool(directory)
            _ = try spool.load()
            for sequence: UInt64 in 1...4 { try spool.write(sequence: sequence, payload: Self.payload(sequence)) }
        }
        let manager = FileManager.default
        // 2: truncated mid-payload; 3: renamed so the header disagrees with the name;
        // garbage under a batch name; an interrupted temp write; an empty batch file;
        // names that are not batches at all.
        let two = try Data(contentsOf: URL(fileURLWithPath: directory.file("2.batch")))
        try two.prefix(60).write(to: URL(fileURLWithPath: directory.file("2.batch")))
        try manager.moveItem(atPath: directory.file("3.batch"), toPath: directory.file("33.batch"))
        try Data("not a batch at all, just text".utf8).write(to: URL(fileURLWithPath: directory.file("7.batch")))
        try Data([0x46, 0x57]).write(to: URL(fileURLWithPath: directory.file(".8.batch.tmp")))
        try Data().write(to: URL(fileURLWithPath: directory.file("9.batch")))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: directory.file("-1.batch")))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: directory.file("007.batch")))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: directory.file("README")))
        try manager.createDirectory(atPath: directory.file("12.batch"), withIntermediateDirectories: false)
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: directory.file("sequence.reserved")))

        let spool = try Self.spool(directory)
        let contents = try spool.load()
        #expect(contents.sequences == [1, 4])
        #expect(contents.reservedThrough == 0)
        #expect(spool.statistics.corruptFiles == 7)  // 2, 33, 7, 9, -1, 007 and the 12.batch directory
        #expect(try spool.read(sequence: 4) == Self.payload(4))
        #expect(!manager.fileExists(atPath: directory.file(".8.batch.tmp")))
        #expect(manager.fileExists(atPath: directory.file("README")))
    }

    @Test func bitFlipIsCaughtWhenReadingBack() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let spool = try Self.spool(directory)
        _ = try spool.load()
        try spool.write(sequence: 1, payload: Self.payload(1))
        try spool.write(sequence: 2, payload: Self.payload(2))
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.file("1.batch"))))
        bytes[50] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: directory.file("1.batch")))
        #expect(try spool.read(sequence: 1) == nil)
        #expect(spool.statistics.corruptFiles == 1)
        #expect(spool.sequences == [2])
        #expect(try spool.read(sequence: 2) == Self.payload(2))
    }

    @Test func everyTruncationOfABatchFileIsSkippedNeverACrash() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let spool = try Self.spool(directory)
        _ = try spool.load()
        try spool.write(sequence: 1, payload: Self.payload(1, size: 40))
        let whole = try Data(contentsOf: URL(fileURLWithPath: directory.file("1.batch")))
        for length in 0..<whole.count {
            try whole.prefix(length).write(to: URL(fileURLWithPath: directory.file("1.batch")))
            let reopened = try Self.spool(directory)
            #expect(try reopened.load().sequences.isEmpty, "truncated to \(length)")
            #expect(reopened.statistics.corruptFiles == 1)
        }
    }
}

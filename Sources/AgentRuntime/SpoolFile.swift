/// The on-disk layout of one spooled batch, `<sequence>.batch`:
///
/// | bytes | field |
/// |---|---|
/// | 4 | magic `FWSP` |
/// | 1 | version (1) |
/// | 3 | zero |
/// | 8 | sequence, little-endian |
/// | 4 | payload length, little-endian |
/// | 4 | CRC-32 of the payload, little-endian |
/// | n | payload |
enum SpoolFile {
    static let headerSize = 24
    static let magic: [UInt8] = Array("FWSP".utf8)
    static let version: UInt8 = 1
    static let suffix = ".batch"
    static let temporarySuffix = ".tmp"
    static let reservationName = "sequence.reserved"

    struct Header: Equatable {
        var sequence: UInt64
        var payloadLength: Int
        var checksum: UInt32
    }

    static func name(for sequence: UInt64) -> String { "\(sequence)\(suffix)" }

    /// The sequence a file name stands for: digits only (no sign, no leading zero) plus `.batch`.
    static func sequence(fromName name: String) -> UInt64? {
        guard name.hasSuffix(suffix) else { return nil }
        let digits = name.dropLast(suffix.count)
        guard !digits.isEmpty, digits.count <= 20, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              digits == "0" || !digits.hasPrefix("0"),
              let value = UInt64(digits), value > 0
        else { return nil }
        return value
    }

    static func encodeHeader(sequence: UInt64, payload: [UInt8]) -> [UInt8] {
        var header = magic + [version, 0, 0, 0]
        append(sequence, bytes: 8, to: &header)
        append(UInt64(payload.count), bytes: 4, to: &header)
        append(UInt64(CRC32.checksum(payload)), bytes: 4, to: &header)
        return header
    }

    /// Parses a header; nil when magic, version or padding are wrong.
    static func decodeHeader(_ bytes: [UInt8]) -> Header? {
        guard bytes.count >= headerSize, Array(bytes[0..<4]) == magic, bytes[4] == version,
              bytes[5] == 0, bytes[6] == 0, bytes[7] == 0
        else { return nil }
        return Header(
            sequence: read(bytes, at: 8, count: 8), payloadLength: Int(read(bytes, at: 16, count: 4)),
            checksum: UInt32(truncatingIfNeeded: read(bytes, at: 20, count: 4))
        )
    }

    private static func append(_ value: UInt64, bytes: Int, to buffer: inout [UInt8]) {
        for index in 0..<bytes { buffer.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * index))) }
    }

    private static func read(_ bytes: [UInt8], at offset: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<count where offset + index < bytes.count {
            value |= UInt64(bytes[offset + index]) << UInt64(8 * index)
        }
        return value
    }
}

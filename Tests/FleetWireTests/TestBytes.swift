import FleetWire
import NIOCore

/// Hand-written protobuf and zlib bytes for hostile-input tests.
enum TestBytes {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }

    /// A length-delimited field.
    static func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(payload.count)) + payload
    }

    /// A varint field.
    static func field(_ number: UInt64, varint value: UInt64) -> [UInt8] {
        varint(number << 3) + varint(value)
    }

    /// Envelope { batch { sequence: 1, records { conns: <connColumns> } } }.
    static func envelope(connColumns: [UInt8]) -> [UInt8] {
        field(2, field(2, varint: 1) + field(7, field(5, connColumns)))
    }

    /// A complete frame around `body`.
    static func frame(type: UInt8, body: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(body.count), endianness: .big)
        buffer.writeInteger(type)
        buffer.writeBytes(body)
        return buffer
    }

    /// A valid zlib stream of `1 + 258 * matches` zero bytes: one literal, then
    /// length-258/distance-1 matches in a fixed-Huffman block (about 1:1270).
    static func zlibBomb(matches: Int) -> [UInt8] {
        var writer = BitWriter()
        writer.bytes = [0x78, 0x01]
        writer.write(1, count: 1)  // BFINAL
        writer.write(1, count: 2)  // BTYPE 01: fixed Huffman
        writer.writeCode(0x30, length: 8)  // literal 0
        // Length code 285 (8 bits 0xC5), no extra bits; distance code 0 (5 bits), no extra bits.
        let match = reversed(0xC5, length: 8) | reversed(0, length: 5) << 8
        for _ in 0..<matches { writer.write(match, count: 13) }
        writer.writeCode(0, length: 7)  // end of block
        writer.flush()
        let size = UInt64(1 + 258 * matches)
        let adler = UInt32(size % 65521) << 16 | 1
        writer.bytes += [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
        return writer.bytes
    }

    private static func reversed(_ code: UInt64, length: Int) -> UInt64 {
        var result: UInt64 = 0
        for bit in 0..<length where code & (1 << UInt64(length - 1 - bit)) != 0 {
            result |= 1 << UInt64(bit)
        }
        return result
    }

    private struct BitWriter {
        var bytes: [UInt8] = []
        var accumulator: UInt64 = 0
        var used = 0

        mutating func write(_ value: UInt64, count: Int) {
            accumulator |= value << UInt64(used)
            used += count
            while used >= 8 {
                bytes.append(UInt8(accumulator & 0xFF))
                accumulator >>= 8
                used -= 8
            }
        }

        mutating func writeCode(_ code: UInt64, length: Int) {
            write(TestBytes.reversed(code, length: length), count: length)
        }

        mutating func flush() {
            if used > 0 { bytes.append(UInt8(accumulator & 0xFF)) }
            accumulator = 0
            used = 0
        }
    }
}

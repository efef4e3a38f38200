/// Byte-level helpers of `HTTPStreamParser`: line scanning and trimming, chunk sizes.
extension HTTPStreamParser {
    /// Index of the first LF in `data` at or after `start`, or `data.count`.
    @inline(__always)
    static func newline(in data: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        let count = data.count
        // Eight bytes at a time: a zero byte of `word ^ 0x0a0a...` marks an LF.
        while count - index >= 8 {
            let word = data.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ 0x0a0a_0a0a_0a0a_0a0a
            if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < count, data[index] != 0x0a { index += 1 }
        return index
    }

    /// The trimmed bytes read as `UInt64(text, radix: 16)` reads them (an optional sign, then at
    /// most 16 characters in all), or nil.
    static func parseChunkSize(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        var digits = trimmedRange(bytes)
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        let sign = bytes[digits.lowerBound]
        if sign == 0x2b || sign == 0x2d { digits = (digits.lowerBound + 1)..<digits.upperBound }
        guard !digits.isEmpty else { return nil }
        var size: UInt64 = 0
        for index in digits {
            guard let digit = hexValue(bytes[index]) else { return nil }
            size = size << 4 | UInt64(digit)
        }
        // Unsigned: only zero survives a minus sign.
        if sign == 0x2d && size != 0 { return nil }
        return size
    }

    /// `bytes` without leading SP/HT and trailing SP/HT/CR.
    static func trimmedRange(_ bytes: UnsafeRawBufferPointer) -> Range<Int> {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0d { end -= 1 }
        return start..<end
    }

    /// Appends `bytes` in one copy (the generic raw-buffer append copies byte by byte). Stream
    /// and line bytes live in byte arrays/buffers, bound to `UInt8`.
    @inline(__always)
    static func append(_ bytes: UnsafeRawBufferPointer, to array: inout [UInt8]) {
        array.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// Appends `bytes` in Zeek's escaped form (`zeekEscapedText`).
    static func appendEscaped(_ bytes: UnsafeRawBufferPointer, to array: inout [UInt8]) {
        appendZeekEscaped(bytes, to: &array)
    }

    /// False once the bytes cannot begin `HTTP/`.
    static func couldBeStatusLine(_ line: [UInt8]) -> Bool {
        var start = 0
        while start < line.count, line[start] == 0x0d { start += 1 }  // stray CR of a blank line
        var offset = 0
        while offset < 5, start + offset < line.count {
            let expected: UInt8 = switch offset {
            case 0: 0x48  // H
            case 1, 2: 0x54  // T
            case 3: 0x50  // P
            default: 0x2f  // /
            }
            if line[start + offset] != expected { return false }
            offset += 1
        }
        return true
    }
}

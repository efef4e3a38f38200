/// A bounds-checked reader over borrowed bytes. Every read returns nil instead
/// of trapping when the input is too short. The cursor must not outlive the
/// buffer it borrows.
public struct ByteCursor {
    public let bytes: UnsafeRawBufferPointer
    public var offset: Int

    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    @inlinable public var remaining: Int { max(0, bytes.count - offset) }

    @inlinable @inline(__always)
    public mutating func u8() -> UInt8? {
        guard offset >= 0, offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    @inlinable @inline(__always)
    public mutating func u16() -> UInt16? {
        guard offset >= 0, bytes.count - offset >= 2 else { return nil }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    @inlinable @inline(__always)
    public mutating func u24() -> UInt32? {
        guard offset >= 0, bytes.count - offset >= 3 else { return nil }
        defer { offset += 3 }
        return UInt32(bytes[offset]) << 16 | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2])
    }

    @inlinable @inline(__always)
    public mutating func u32() -> UInt32? {
        guard offset >= 0, bytes.count - offset >= 4 else { return nil }
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// Advances by `count` bytes; false (and no move) when fewer remain.
    @inlinable @inline(__always)
    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, offset >= 0, bytes.count - offset >= count else { return false }
        offset += count
        return true
    }

    /// The next `count` bytes as a slice of the borrowed buffer, or nil.
    @inlinable @inline(__always)
    public mutating func take(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, offset >= 0, bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }
}

/// Text as Zeek's ASCII log writer shows raw bytes: printable ASCII kept, every
/// other byte as `\xNN` (lower-case hex).
public func zeekEscapedText(_ bytes: some Sequence<UInt8>) -> String {
    // Fast path: contiguous, all printable ASCII (most DNS names and HTTP fields) decode as is.
    if let plain = bytes.withContiguousStorageIfAvailable({ buffer -> String? in
        for byte in buffer where byte < 0x20 || byte >= 0x7f { return nil }
        return String(decoding: buffer, as: UTF8.self)
    }), let plain {
        return plain
    }
    // Built as bytes and decoded once: appending scalars one by one is an order
    // of magnitude slower, and this runs for every DNS name and HTTP field.
    var utf8: [UInt8] = []
    utf8.reserveCapacity(bytes.underestimatedCount)
    appendZeekEscaped(bytes, to: &utf8)
    return String(decoding: utf8, as: UTF8.self)
}

/// Whether `text` equals `lowercase` (lower-case ASCII) ignoring ASCII case: for texts that are
/// ASCII (escaped header names), the same as `text.lowercased() == lowercase` without building
/// the lower-cased copy.
public func asciiCaseInsensitiveEqual(_ text: String, _ lowercase: StaticString) -> Bool {
    let count = lowercase.utf8CodeUnitCount
    guard text.utf8.count == count else { return false }
    var text = text
    return text.withUTF8 { bytes in
        lowercase.withUTF8Buffer { target in
            guard bytes.count == count, target.count == count else { return false }
            for index in 0..<count {
                let byte = bytes[index]
                if (byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte) != target[index] { return false }
            }
            return true
        }
    }
}

@inline(__always)
/// Appends `bytes` as ``zeekEscapedText(_:)`` shows them (printable ASCII kept, others `\\xNN`).
func appendZeekEscaped(_ bytes: some Sequence<UInt8>, to output: inout [UInt8]) {
    for byte in bytes {
        if byte >= 0x20 && byte < 0x7f {
            output.append(byte)
        } else {
            output.append(UInt8(ascii: "\\"))
            output.append(UInt8(ascii: "x"))
            output.append(hexByte(byte >> 4))
            output.append(hexByte(byte & 0xf))
        }
    }
}

func hexByte(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? 0x30 + nibble : 0x57 + nibble
}

@inline(__always)
func hexDigit(_ nibble: UInt8) -> Unicode.Scalar {
    Unicode.Scalar(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
}

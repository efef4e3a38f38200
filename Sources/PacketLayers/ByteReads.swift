public import FleetModel

/// Bounds-checked big/little-endian reads over captured bytes.
///
/// Every read checks its offset; an out-of-range read yields 0 instead of
/// trapping. Callers still check lengths first (to name the weird), so the
/// zero is a safety net, never a value the decoder relies on.
extension UnsafeRawBufferPointer {
    @inlinable @inline(__always)
    func u8(_ offset: Int) -> UInt8 {
        guard offset >= 0, offset < count else { return 0 }
        return self[offset]
    }

    @inlinable @inline(__always)
    func be16(_ offset: Int) -> UInt16 {
        guard offset >= 0, offset <= count &- 2 else { return 0 }
        return UInt16(self[offset]) << 8 | UInt16(self[offset &+ 1])
    }

    @inlinable @inline(__always)
    func le16(_ offset: Int) -> UInt16 {
        guard offset >= 0, offset <= count &- 2 else { return 0 }
        return UInt16(self[offset &+ 1]) << 8 | UInt16(self[offset])
    }

    @inlinable @inline(__always)
    func be32(_ offset: Int) -> UInt32 {
        guard offset >= 0, offset <= count &- 4 else { return 0 }
        return UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable @inline(__always)
    func le32(_ offset: Int) -> UInt32 {
        guard offset >= 0, offset <= count &- 4 else { return 0 }
        return UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable @inline(__always)
    func be64(_ offset: Int) -> UInt64 {
        guard offset >= 0, offset <= count &- 8 else { return 0 }
        return UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The IPv4 address stored at `offset`.
    @inlinable @inline(__always)
    func ipv4Address(_ offset: Int) -> IPAddress { .v4(be32(offset)) }

    /// The IPv6 address stored at `offset`.
    @inlinable @inline(__always)
    func ipv6Address(_ offset: Int) -> IPAddress { .v6(be64(offset), be64(offset &+ 8)) }

    /// The 20 bytes at `offset` as five big-endian 32-bit words, or nil unless all are in the buffer.
    ///
    /// One bounds check for a whole IPv4 or TCP base header instead of one per field.
    @inline(__always)
    func words20(_ offset: Int) -> HeaderWords? {
        guard offset >= 0, offset <= count &- 20, let base = baseAddress else { return nil }
        let first = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        let second = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self))
        return HeaderWords(
            w0: UInt32(truncatingIfNeeded: first >> 32), w1: UInt32(truncatingIfNeeded: first),
            w2: UInt32(truncatingIfNeeded: second >> 32), w3: UInt32(truncatingIfNeeded: second),
            w4: UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset &+ 16, as: UInt32.self))
        )
    }

    /// The 8 bytes at `offset` as one big-endian word, or nil unless all are in the buffer.
    @inline(__always)
    func word8(_ offset: Int) -> UInt64? {
        guard offset >= 0, offset <= count &- 8, let base = baseAddress else { return nil }
        return UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

/// A 20-byte header as five big-endian 32-bit words (`w0` holds bytes 0-3).
struct HeaderWords {
    var w0, w1, w2, w3, w4: UInt32

    @inline(__always)
    init(w0: UInt32, w1: UInt32, w2: UInt32, w3: UInt32, w4: UInt32) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
        self.w4 = w4
    }

    /// The ones'-complement sum of the five words (unfolded): an option-less IPv4 header's checksum sum.
    var sum: UInt64 { UInt64(w0) &+ UInt64(w1) &+ UInt64(w2) &+ UInt64(w3) &+ UInt64(w4) }
}

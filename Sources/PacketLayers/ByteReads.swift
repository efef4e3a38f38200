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
}

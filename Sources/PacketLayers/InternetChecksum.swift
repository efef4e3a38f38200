public import FleetModel

/// RFC 1071 ones'-complement sums.
public enum InternetChecksum {
    /// Adds the 16-bit big-endian words of `bytes[range]` to `initial` (an odd trailing byte is padded with zero).
    ///
    /// The range is clamped to the buffer. Returns the unfolded 64-bit sum.
    @inlinable
    public static func sum(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, initial: UInt64 = 0) -> UInt64 {
        let lower = max(0, range.lowerBound)
        let upper = min(bytes.count, range.upperBound)
        guard lower < upper else { return initial }
        var total = initial
        var offset = lower
        // The bulk is summed in native byte order as 32-bit halves of 64-bit words (the
        // carries stay in 64 bits), two words per SIMD lane pair and 64 bytes per step, then
        // the tail; it is byte-swapped once at the end: the ones'-complement sum is
        // independent of byte order (RFC 1071, 2(B)).
        let halves = SIMD2<UInt64>(repeating: 0xffff_ffff)
        var lanes = SIMD2<UInt64>(repeating: 0)
        var lanes2 = SIMD2<UInt64>(repeating: 0)
        while offset &+ 64 <= upper {
            let a = bytes.loadUnaligned(fromByteOffset: offset, as: SIMD2<UInt64>.self)
            let b = bytes.loadUnaligned(fromByteOffset: offset &+ 16, as: SIMD2<UInt64>.self)
            let c = bytes.loadUnaligned(fromByteOffset: offset &+ 32, as: SIMD2<UInt64>.self)
            let d = bytes.loadUnaligned(fromByteOffset: offset &+ 48, as: SIMD2<UInt64>.self)
            lanes &+= (a & halves) &+ (a &>> 32) &+ (b & halves) &+ (b &>> 32)
            lanes2 &+= (c & halves) &+ (c &>> 32) &+ (d & halves) &+ (d &>> 32)
            offset &+= 64
        }
        lanes &+= lanes2
        var native = lanes[0] &+ lanes[1]
        // The tail (under 64 bytes) in native order too: 32, 16 and 8 bytes, then 4, 2 and an odd
        // byte (the high byte of a big-endian word, zero-padded), each step taken at most once.
        if offset &+ 32 <= upper {
            native &+= halvesSum(bytes, offset) &+ halvesSum(bytes, offset &+ 8)
                &+ halvesSum(bytes, offset &+ 16) &+ halvesSum(bytes, offset &+ 24)
            offset &+= 32
        }
        if offset &+ 16 <= upper {
            native &+= halvesSum(bytes, offset) &+ halvesSum(bytes, offset &+ 8)
            offset &+= 16
        }
        if offset &+ 8 <= upper {
            native &+= halvesSum(bytes, offset)
            offset &+= 8
        }
        if offset &+ 4 <= upper {
            native &+= UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            offset &+= 4
        }
        if offset &+ 2 <= upper {
            native &+= UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            offset &+= 2
        }
        if offset < upper {
            native &+= UInt64(UInt16(bigEndian: UInt16(bytes.u8(offset)) << 8))
        }
        if native != 0 {
            // Native-order words read as big-endian: swapped on little-endian hosts only.
            total &+= UInt64(UInt16(bigEndian: fold(native)))
        }
        return total
    }

    /// The two native-order 32-bit halves of the 8 bytes at `offset` (the caller checked they are in the buffer).
    @inlinable @inline(__always)
    static func halvesSum(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return (word >> 32) &+ (word & 0xffff_ffff)
    }

    /// The sum of an option-less (20-byte) IPv4 header at `offset`, or nil when the buffer is
    /// shorter: five 32-bit words added whole (2^16 is 1 in ones'-complement arithmetic), so it
    /// folds to what `sum(bytes, offset..<offset + 20)` folds to, without the general loop.
    @inline(__always)
    static func sumIPv4Header(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64? {
        guard offset >= 0, offset <= bytes.count &- 20 else { return nil }
        return UInt64(bytes.be32(offset)) &+ UInt64(bytes.be32(offset &+ 4)) &+ UInt64(bytes.be32(offset &+ 8))
            &+ UInt64(bytes.be32(offset &+ 12)) &+ UInt64(bytes.be32(offset &+ 16))
    }

    /// Folds a sum to 16 bits (not complemented): 0xffff means a valid checksum.
    @inlinable
    public static func fold(_ value: UInt64) -> UInt16 {
        var sum = value
        while sum > 0xffff {
            sum = (sum & 0xffff) &+ (sum >> 16)
        }
        return UInt16(truncatingIfNeeded: sum)
    }

    /// The sum of an IPv4/IPv6 pseudo-header for a transport checksum.
    @inlinable
    public static func pseudoHeaderSum(source: IPAddress, destination: IPAddress, proto: UInt8, length: Int) -> UInt64 {
        var total: UInt64 = UInt64(proto) &+ UInt64(truncatingIfNeeded: length & 0xffff) &+ UInt64(truncatingIfNeeded: (length >> 16) & 0xffff)
        total &+= addressSum(source) &+ addressSum(destination)
        return total
    }

    @inlinable
    static func addressSum(_ address: IPAddress) -> UInt64 {
        switch address {
        case .v4(let value):
            return UInt64(value >> 16) &+ UInt64(value & 0xffff)
        case .v6(let high, let low):
            return (high >> 32) &+ (high & 0xffff_ffff) &+ (low >> 32) &+ (low & 0xffff_ffff)
        }
    }
}

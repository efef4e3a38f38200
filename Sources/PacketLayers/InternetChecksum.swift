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
        // The bulk is summed in native byte order, 32 then 8 bytes at a time (32-bit halves
        // added separately keep the carries in 64 bits), and byte-swapped once at the end:
        // the ones'-complement sum is independent of byte order (RFC 1071, 2(B)).
        var native: UInt64 = 0
        var native2: UInt64 = 0
        while offset &+ 32 <= upper {
            let a = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let b = bytes.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self)
            let c = bytes.loadUnaligned(fromByteOffset: offset &+ 16, as: UInt64.self)
            let d = bytes.loadUnaligned(fromByteOffset: offset &+ 24, as: UInt64.self)
            native &+= (a >> 32) &+ (a & 0xffff_ffff) &+ (b >> 32) &+ (b & 0xffff_ffff)
            native2 &+= (c >> 32) &+ (c & 0xffff_ffff) &+ (d >> 32) &+ (d & 0xffff_ffff)
            offset &+= 32
        }
        while offset &+ 8 <= upper {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            native &+= (word >> 32) &+ (word & 0xffff_ffff)
            offset &+= 8
        }
        native &+= native2
        if native != 0 {
            // Native-order words read as big-endian: swapped on little-endian hosts only.
            total &+= UInt64(UInt16(bigEndian: fold(native)))
        }
        while offset &+ 2 <= upper {
            total &+= UInt64(bytes.be16(offset))
            offset &+= 2
        }
        if offset < upper {
            total &+= UInt64(bytes.u8(offset)) << 8
        }
        return total
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

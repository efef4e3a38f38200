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
        // The bulk is summed in native byte order as 64-bit words in one add-with-carry chain
        // (`adc` on x86: one instruction per 8 bytes), 128 bytes per step, then the tail; it is
        // byte-swapped once at the end: the ones'-complement sum is independent of byte order and
        // word width (RFC 1071, 2(B) and 2(C)). The carry out of the chain is added back at the end.
        var native: UInt64 = 0
        var carry = false
        while offset &+ 128 <= upper {
            add64(bytes, offset, &native, &carry)
            add64(bytes, offset &+ 64, &native, &carry)
            offset &+= 128
        }
        // The tail (under 128 bytes): 64, 32, 16 and 8 bytes, each taken at most once, then 4, 2
        // and an odd byte (the high byte of a big-endian word, zero-padded).
        if offset &+ 64 <= upper {
            add64(bytes, offset, &native, &carry)
            offset &+= 64
        }
        if offset &+ 32 <= upper {
            native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self), &carry)
            native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self), &carry)
            native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset &+ 16, as: UInt64.self), &carry)
            native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset &+ 24, as: UInt64.self), &carry)
            offset &+= 32
        }
        if offset &+ 16 <= upper {
            native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self), &carry)
            native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self), &carry)
            offset &+= 16
        }
        if offset &+ 8 <= upper {
            native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self), &carry)
            offset &+= 8
        }
        native = addWithCarry(native, carry ? 1 : 0)
        if offset &+ 4 <= upper {
            native = addWithCarry(native, UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            offset &+= 4
        }
        if offset &+ 2 <= upper {
            native = addWithCarry(native, UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            offset &+= 2
        }
        if offset < upper {
            native = addWithCarry(native, UInt64(UInt16(bigEndian: UInt16(bytes.u8(offset)) << 8)))
        }
        if native != 0 {
            // Native-order words read as big-endian: swapped on little-endian hosts only.
            total &+= UInt64(UInt16(bigEndian: fold64(native)))
        }
        return total
    }

    /// Adds the eight native-order words at `offset` (in bounds: checked by the caller) to the chain.
    @inlinable @inline(__always)
    static func add64(_ bytes: UnsafeRawBufferPointer, _ offset: Int, _ native: inout UInt64, _ carry: inout Bool) {
        native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self), &carry)
        native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self), &carry)
        native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset &+ 16, as: UInt64.self), &carry)
        native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset &+ 24, as: UInt64.self), &carry)
        native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset &+ 32, as: UInt64.self), &carry)
        native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset &+ 40, as: UInt64.self), &carry)
        native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset &+ 48, as: UInt64.self), &carry)
        native = addChained(native, bytes.loadUnaligned(fromByteOffset: offset &+ 56, as: UInt64.self), &carry)
    }

    /// `a + b + carry` with the carry out left in `carry`: chained, these compile to one
    /// add-with-carry instruction each (the two overflows never both happen).
    @inlinable @inline(__always)
    static func addChained(_ a: UInt64, _ b: UInt64, _ carry: inout Bool) -> UInt64 {
        let (partial, first) = a.addingReportingOverflow(b)
        let (sum, second) = partial.addingReportingOverflow(carry ? 1 : 0)
        carry = first != second
        return sum
    }

    /// `a + b` in ones'-complement arithmetic: the carry out of bit 63 wraps around into bit 0.
    /// Never zero unless both are (a sum of zeros), so a nonzero sum folds as the exact one does.
    @inlinable @inline(__always)
    static func addWithCarry(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, carry) = a.addingReportingOverflow(b)
        return sum &+ (carry ? 1 : 0)
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

    /// `fold` without the loop, for full 64-bit sums (which take it three or four times round):
    /// 2^32 and 2^16 are 1 modulo 0xffff, so each step keeps the residue (and a nonzero value
    /// nonzero) while the bound shrinks: < 2^33, < 0x30000, <= 0x10001, <= 0xffff. The result
    /// is the one value in 1...0xffff (or 0 for 0) with the input's residue, as `fold`'s is.
    @inlinable @inline(__always)
    static func fold64(_ value: UInt64) -> UInt16 {
        var sum = (value & 0xffff_ffff) &+ (value >> 32)
        sum = (sum & 0xffff) &+ (sum >> 16)
        sum = (sum & 0xffff) &+ (sum >> 16)
        sum = (sum & 0xffff) &+ (sum >> 16)
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

/// The RFC 1071 ones'-complement checksum used by IPv4, TCP, UDP and ICMP.
public struct InternetChecksum: Sendable {
    private var sum: UInt64 = 0
    private var odd: UInt8?

    public init() {}

    /// Adds bytes; sequences of any length may be chained.
    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            if let high = odd {
                sum &+= UInt64(high) << 8 | UInt64(byte)
                odd = nil
            } else {
                odd = byte
            }
        }
    }

    /// Adds a 16-bit word (must be called on an even byte boundary).
    public mutating func add(word: UInt16) {
        sum &+= UInt64(word)
    }

    /// Adds a 32-bit value as two words.
    public mutating func add(word32: UInt32) {
        sum &+= UInt64(word32 >> 16) &+ UInt64(word32 & 0xffff)
    }

    /// The checksum to put in the header (complemented folded sum).
    public var value: UInt16 {
        var total = sum
        if let high = odd { total &+= UInt64(high) << 8 }
        while total >> 16 != 0 {
            total = (total & 0xffff) &+ (total >> 16)
        }
        return ~UInt16(truncatingIfNeeded: total)
    }

    /// Checksum of `bytes` alone.
    public static func compute(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var checksum = InternetChecksum()
        checksum.add(bytes)
        return checksum.value
    }
}

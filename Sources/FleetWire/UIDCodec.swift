/// Packs Zeek-style uids (`C` + base62 digits of a 64-bit word, then of a 32-bit
/// word, least significant digit first) into their two binary words, and back.
///
/// Only strings that the unpacking reproduces exactly are packed; any other
/// uid travels as text, so the round trip is always exact.
enum UIDCodec {
    private static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    private static func digitValue(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt64(byte - UInt8(ascii: "A") + 10)
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt64(byte - UInt8(ascii: "a") + 36)
        default: return nil
        }
    }

    /// Value of canonical little-endian base62 `digits` (no trailing zero digit
    /// unless it is the only one), or nil on overflow past `maximum`.
    private static func value(_ digits: ArraySlice<UInt64>, maximum: UInt64) -> UInt64? {
        guard let last = digits.last, last != 0 || digits.count == 1 else { return nil }
        var result: UInt64 = 0
        for digit in digits.reversed() {
            let (shifted, o1) = result.multipliedReportingOverflow(by: 62)
            let (sum, o2) = shifted.addingReportingOverflow(digit)
            guard !o1, !o2, sum <= maximum else { return nil }
            result = sum
        }
        return result
    }

    /// The packed form of `uid`, or nil when it must travel as text.
    static func pack(_ uid: String) -> (form: UInt32, word1: UInt64, word2: UInt32)? {
        var utf8 = uid.utf8.makeIterator()
        guard let prefix = utf8.next(), prefix > 0, prefix < 0x80 else { return nil }
        var digits: [UInt64] = []
        digits.reserveCapacity(18)
        while let byte = utf8.next() {
            guard digits.count < 17, let digit = digitValue(byte) else { return nil }
            digits.append(digit)
        }
        guard digits.count >= 2 else { return nil }
        for split in stride(from: min(11, digits.count - 1), through: 1, by: -1) {
            let tail = digits.count - split
            guard tail <= 6 else { break }
            if let word1 = value(digits[0..<split], maximum: .max),
               let word2 = value(digits[split...], maximum: UInt64(UInt32.max)) {
                return (UInt32(prefix) << 4 | UInt32(split), word1, UInt32(word2))
            }
        }
        return nil
    }

    /// The uid text for a packed form, or nil when the form is invalid.
    static func unpack(form: UInt32, word1: UInt64, word2: UInt32) -> String? {
        let prefix = form >> 4
        let split = Int(form & 0xF)
        guard prefix > 0, prefix < 0x80, (1...11).contains(split) else { return nil }
        var bytes: [UInt8] = [UInt8(prefix)]
        bytes.reserveCapacity(18)
        var word = word1
        repeat {
            bytes.append(alphabet[Int(word % 62)])
            word /= 62
        } while word > 0
        guard bytes.count - 1 == split else { return nil }
        var second = UInt64(word2)
        repeat {
            bytes.append(alphabet[Int(second % 62)])
            second /= 62
        } while second > 0
        return String(decoding: bytes, as: UTF8.self)
    }
}

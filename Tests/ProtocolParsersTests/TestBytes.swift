/// Bytes from a hex string (test helper; traps on bad test data only).
func hexBytes(_ hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var high: UInt8? = nil
    for character in hex.utf8 {
        let value: UInt8
        switch character {
        case 0x30...0x39: value = character - 0x30
        case 0x61...0x66: value = character - 0x57
        case 0x41...0x46: value = character - 0x37
        default: continue
        }
        if let h = high { bytes.append(h << 4 | value); high = nil } else { high = value }
    }
    return bytes
}

extension Array where Element == UInt8 {
    init(ascii: String) { self = Array(ascii.utf8) }
}

/// What a `TLSStreamParser` saw, in order.
public enum TLSEvent: Hashable, Sendable {
    case clientHello(TLSClientHello)
    case serverHello(TLSServerHello)
    /// Any plaintext handshake message (also hellos), for `ssl_history`.
    case handshake(type: UInt8)
    /// The named curve of an ECDHE ServerKeyExchange (`curve_type` 3).
    case serverKeyExchangeCurve(UInt16)
    case changeCipherSpec
    /// A plaintext alert.
    case alert(level: UInt8, description: UInt8)
    case applicationData
    case heartbeat
}

extension TLSEvent {
    /// Zeek's `ssl_history` letter for a handshake type (upper case; the server's is lower case).
    public static func historyLetter(handshakeType: UInt8) -> Character {
        Character(Unicode.Scalar(historyByte(handshakeType: handshakeType)))
    }

    /// `historyLetter(handshakeType:)` as its ASCII byte.
    public static func historyByte(handshakeType: UInt8) -> UInt8 {
        switch handshakeType {
        case 0: return 0x48  // H
        case 1: return 0x43  // C
        case 2: return 0x53  // S
        case 3: return 0x56  // V
        case 4: return 0x54  // T
        case 5: return 0x45  // E
        case 6: return 0x4a  // J
        case 8: return 0x4f  // O
        case 11: return 0x58  // X
        case 12: return 0x4b  // K
        case 13: return 0x52  // R
        case 14: return 0x4e  // N
        case 15: return 0x59  // Y
        case 16: return 0x47  // G
        case 20: return 0x46  // F
        case 21: return 0x57  // W
        case 22: return 0x55  // U
        case 23: return 0x41  // A
        case 24: return 0x50  // P
        case 254: return 0x4d  // M
        default: return 0x5a  // Z
        }
    }
}

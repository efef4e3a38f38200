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
        switch handshakeType {
        case 0: return "H"
        case 1: return "C"
        case 2: return "S"
        case 3: return "V"
        case 4: return "T"
        case 5: return "E"
        case 6: return "J"
        case 8: return "O"
        case 11: return "X"
        case 12: return "K"
        case 13: return "R"
        case 14: return "N"
        case 15: return "Y"
        case 16: return "G"
        case 20: return "F"
        case 21: return "W"
        case 22: return "U"
        case 23: return "A"
        case 24: return "P"
        case 254: return "M"
        default: return "Z"
        }
    }
}

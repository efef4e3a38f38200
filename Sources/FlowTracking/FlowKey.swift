import FleetModel

/// A direction-independent flow key: the 5-tuple in canonical order plus the
/// context that keeps overlapping address spaces apart (tunnel, optional VLAN).
struct FlowKey: Hashable, Sendable {
    var lowAddress: IPAddress
    var highAddress: IPAddress
    var lowPort: UInt16
    var highPort: UInt16
    var ipProto: UInt8
    /// 0 outside tunnels; otherwise an id of the encapsulating flow (and VLAN when configured).
    var context: UInt32

    init(source: IPAddress, sourcePort: UInt16, destination: IPAddress, destinationPort: UInt16, ipProto: UInt8, context: UInt32) {
        if (source, sourcePort) <= (destination, destinationPort) {
            lowAddress = source; lowPort = sourcePort; highAddress = destination; highPort = destinationPort
        } else {
            lowAddress = destination; lowPort = destinationPort; highAddress = source; highPort = sourcePort
        }
        self.ipProto = ipProto
        self.context = context
    }

    /// Two words into the hasher instead of every field one by one (this runs for every packet).
    /// Equal keys fold to equal words, so this agrees with the synthesized `==`.
    func hash(into hasher: inout Hasher) {
        let ports = UInt64(lowPort) << 48 | UInt64(highPort) << 32
        hasher.combine(Self.fold(lowAddress) &* 0x9E37_79B9_7F4A_7C15 ^ Self.fold(highAddress))
        hasher.combine(ports | UInt64(ipProto) << 24 ^ UInt64(context))
    }

    @inline(__always)
    static func fold(_ address: IPAddress) -> UInt64 {
        switch address {
        case .v4(let value): return UInt64(value)
        case .v6(let high, let low): return (high &* 0xBF58_476D_1CE4_E5B9) ^ low ^ (1 << 63)
        }
    }
}

/// ICMP "ports" as Zeek assigns them: the originator's type, and the
/// counterpart type for request/reply pairs or else the code.
enum ICMPPorts {
    static func ports(type: UInt8, code: UInt8, v6: Bool) -> (source: UInt16, destination: UInt16) {
        if let (counterpart, _) = counterpart(type: type, v6: v6) {
            return (UInt16(type), UInt16(counterpart))
        }
        return (UInt16(type), UInt16(code))
    }

    static func counterpart(type: UInt8, v6: Bool) -> (UInt8, Bool)? {
        if v6 {
            switch type {
            case 128: return (129, false)
            case 129: return (128, true)
            case 133: return (134, false)
            case 134: return (133, true)
            case 135: return (136, false)
            case 136: return (135, true)
            case 130: return (131, false)
            case 131: return (130, true)
            case 139: return (140, false)
            case 140: return (139, true)
            case 144: return (145, false)
            case 145: return (144, true)
            default: return nil
            }
        }
        switch type {
        case 8: return (0, false)
        case 0: return (8, true)
        case 13: return (14, false)
        case 14: return (13, true)
        case 15: return (16, false)
        case 16: return (15, true)
        case 10: return (9, false)
        case 9: return (10, true)
        case 17: return (18, false)
        case 18: return (17, true)
        default: return nil
        }
    }
}

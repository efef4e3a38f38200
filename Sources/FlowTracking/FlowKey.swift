import FleetModel

/// A direction-independent flow key: the 5-tuple in canonical order plus the
/// context that keeps overlapping address spaces apart (tunnel, optional VLAN).
///
/// Fixed-width words (every packet builds, hashes and compares one): each address as two
/// 64-bit words (IPv4 as its IPv4-mapped IPv6 form, told apart from a real `::ffff:a.b.c.d`
/// by a family bit), ports and context in one word, protocol and family bits in another.
struct FlowKey: Hashable, Sendable {
    var lowHigh: UInt64
    var lowLow: UInt64
    var highHigh: UInt64
    var highLow: UInt64
    /// Low port << 48 | high port << 32 | context.
    var portsAndContext: UInt64
    /// IP protocol | low address is IPv6 << 8 | high address is IPv6 << 9.
    var protoAndFamilies: UInt64

    init(source: IPAddress, sourcePort: UInt16, destination: IPAddress, destinationPort: UInt16, ipProto: UInt8, context: UInt32) {
        let s = Self.words(source), d = Self.words(destination)
        // Any total order on (address, port) will do: both directions must agree.
        let sourceTail = UInt64(sourcePort) << 1 | s.v6
        let destinationTail = UInt64(destinationPort) << 1 | d.v6
        let sourceFirst = (s.high, s.low, sourceTail) <= (d.high, d.low, destinationTail)
        if sourceFirst {
            lowHigh = s.high; lowLow = s.low; highHigh = d.high; highLow = d.low
            portsAndContext = UInt64(sourcePort) << 48 | UInt64(destinationPort) << 32 | UInt64(context)
            protoAndFamilies = UInt64(ipProto) | s.v6 << 8 | d.v6 << 9
        } else {
            lowHigh = d.high; lowLow = d.low; highHigh = s.high; highLow = s.low
            portsAndContext = UInt64(destinationPort) << 48 | UInt64(sourcePort) << 32 | UInt64(context)
            protoAndFamilies = UInt64(ipProto) | d.v6 << 8 | s.v6 << 9
        }
    }

    /// An address as two words and its family (1: IPv6).
    @inline(__always)
    static func words(_ address: IPAddress) -> (high: UInt64, low: UInt64, v6: UInt64) {
        switch address {
        case .v4(let value): return (0, 0xFFFF_0000_0000 | UInt64(value), 0)
        case .v6(let high, let low): return (high, low, 1)
        }
    }

    @inline(__always)
    static func == (lhs: FlowKey, rhs: FlowKey) -> Bool {
        ((lhs.lowHigh ^ rhs.lowHigh) | (lhs.lowLow ^ rhs.lowLow) | (lhs.highHigh ^ rhs.highHigh)
            | (lhs.highLow ^ rhs.highLow) | (lhs.portsAndContext ^ rhs.portsAndContext)
            | (lhs.protoAndFamilies ^ rhs.protoAndFamilies)) == 0
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(lowHigh)
        hasher.combine(lowLow)
        hasher.combine(highHigh)
        hasher.combine(highLow)
        hasher.combine(portsAndContext)
        hasher.combine(protoAndFamilies)
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

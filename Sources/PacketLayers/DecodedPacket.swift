public import FleetModel

/// Link-layer header types, by their `DLT_`/`LINKTYPE_` numbers as libpcap reports them.
public struct LinkType: RawRepresentable, Sendable, Hashable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let null = LinkType(rawValue: 0)          // BSD loopback (host-order family)
    public static let ethernet = LinkType(rawValue: 1)
    public static let ppp = LinkType(rawValue: 9)
    public static let raw = LinkType(rawValue: 12)          // DLT_RAW on Linux (LINKTYPE_RAW is 101)
    public static let rawLinktype = LinkType(rawValue: 101)
    public static let pppSerial = LinkType(rawValue: 50)    // PPP in HDLC-like framing
    public static let loop = LinkType(rawValue: 108)        // OpenBSD loopback (network-order family)
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    public static let nflog = LinkType(rawValue: 239)
    public static let linuxSLL2 = LinkType(rawValue: 276)
}

/// TCP header flag bits.
///
/// The flags are inlinable constants (not stored `static let`s, which other modules reach
/// through a lazy-initialisation accessor call on every test of a segment's flags).
public struct TCPFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static var fin: TCPFlags { TCPFlags(rawValue: 0x01) }
    @inlinable public static var syn: TCPFlags { TCPFlags(rawValue: 0x02) }
    @inlinable public static var rst: TCPFlags { TCPFlags(rawValue: 0x04) }
    @inlinable public static var psh: TCPFlags { TCPFlags(rawValue: 0x08) }
    @inlinable public static var ack: TCPFlags { TCPFlags(rawValue: 0x10) }
    @inlinable public static var urg: TCPFlags { TCPFlags(rawValue: 0x20) }
}

/// The TCP header fields flow tracking needs.
public struct TCPSegmentInfo: Sendable, Hashable {
    public var sequence: UInt32
    public var acknowledgment: UInt32
    public var flags: TCPFlags
    public var window: UInt16

    public init(sequence: UInt32, acknowledgment: UInt32, flags: TCPFlags, window: UInt16) {
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.flags = flags
        self.window = window
    }
}

/// Kinds of encapsulation the decoder removes.
public enum TunnelKind: String, Sendable, Hashable {
    case vxlan, geneve, gre, teredo, ipInIP = "ip-in-ip", ayiya, gtp
}

/// The flow that carried a decapsulated packet (the outer header's 5-tuple).
public struct TunnelParent: Sendable, Hashable {
    public var kind: TunnelKind
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var ipProto: UInt8

    public init(kind: TunnelKind, source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16, ipProto: UInt8) {
        self.kind = kind
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.ipProto = ipProto
    }
}

/// One IP packet, decoded down to its transport header.
///
/// `payload` indexes into the byte buffer handed to the sink together with the
/// packet; the packet never owns or keeps those bytes. For a reassembled
/// datagram that buffer is the reassembled datagram, not the last fragment.
///
/// Delivery order per frame: an outer UDP tunnel packet (VXLAN, GENEVE, Teredo)
/// comes first, then its inner packet; GRE and IP-in-IP deliver only the inner
/// packet. Fragments are not delivered one by one: only the reassembled
/// datagram is (except a first fragment cut by the snaplen, delivered as is).
public struct DecodedPacket: Sendable {
    public var timestamp: NetworkTime
    public var source: IPAddress
    public var destination: IPAddress
    /// IP protocol number of the transport (6, 17, 1, 58, ...), after extension headers.
    public var ipProto: UInt8
    /// IP length as the header states it (IPv4 total length; IPv6 40 + payload length):
    /// what conn.log's `*_ip_bytes` add up. Never includes Ethernet padding; for a
    /// reassembled datagram it is the whole datagram's length.
    public var ipLength: Int
    /// TCP/UDP ports; 0 for other protocols.
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var tcp: TCPSegmentInfo?
    /// ICMP/ICMPv6 type and code (only meaningful when `ipProto` is 1 or 58).
    public var icmpType: UInt8
    public var icmpCode: UInt8
    /// Captured transport payload, as indices into the accompanying buffer (always within it;
    /// shorter than `payloadLength` when the snaplen cut the packet).
    public var payload: Range<Int>
    /// Transport payload length according to the headers (may exceed what was captured).
    public var payloadLength: Int
    /// False only when checksum verification is on and the transport checksum is wrong
    /// (TCP, UDP, ICMP, ICMPv6; IPv6 UDP with checksum 0 counts as wrong, IPv4 UDP 0 as absent).
    /// Never verified when the packet was not fully captured. The decoder raises no
    /// `bad_*_checksum` weird: the tracker does, with the connection's uid.
    /// A UDP packet with a bad checksum is not decapsulated (as in Zeek).
    public var checksumValid: Bool
    /// The first (outer) 802.1Q/802.1ad tag's VLAN id, if any.
    public var vlan: UInt16?
    /// The second tag's VLAN id (QinQ), if any. Tags of an outer frame are not carried into a tunnel.
    public var innerVLAN: UInt16?
    /// The encapsulating flow, when this packet came out of a tunnel: the immediately
    /// enclosing header's 5-tuple (UDP ports for VXLAN/GENEVE/Teredo; ports 0 and
    /// `ipProto` 47, 4 or 41 for GRE and IP-in-IP).
    public var tunnel: TunnelParent?

    public init(
        timestamp: NetworkTime, source: IPAddress, destination: IPAddress, ipProto: UInt8, ipLength: Int,
        sourcePort: UInt16 = 0, destinationPort: UInt16 = 0, tcp: TCPSegmentInfo? = nil,
        icmpType: UInt8 = 0, icmpCode: UInt8 = 0, payload: Range<Int>, payloadLength: Int,
        checksumValid: Bool = true, vlan: UInt16? = nil, innerVLAN: UInt16? = nil, tunnel: TunnelParent? = nil
    ) {
        self.timestamp = timestamp
        self.source = source
        self.destination = destination
        self.ipProto = ipProto
        self.ipLength = ipLength
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.tcp = tcp
        self.icmpType = icmpType
        self.icmpCode = icmpCode
        self.payload = payload
        self.payloadLength = payloadLength
        self.checksumValid = checksumValid
        self.vlan = vlan
        self.innerVLAN = innerVLAN
        self.tunnel = tunnel
    }
}

/// Receives what the decoder makes of each frame: zero or more packets
/// (an outer tunnel packet and its inner packet, or a reassembled datagram)
/// and any weirds.
public protocol PacketSink {
    /// - Parameters:
    ///   - packet: the decoded packet.
    ///   - bytes: the buffer `packet.payload` indexes; valid only during the call.
    mutating func receive(_ packet: DecodedPacket, bytes: UnsafeRawBufferPointer)
    /// A malformed or unexpected packet, Zeek-named (`truncated_IP`, ...).
    mutating func weird(_ weird: WeirdRecord)
}

/// Decoder settings.
public struct DecoderConfiguration: Sendable, Hashable {
    /// Verify IPv4 header and TCP/UDP/ICMP checksums (Zeek's default; `-C` turns it off).
    public var verifyChecksums: Bool = true
    /// UDP ports decapsulated as VXLAN and GENEVE.
    public var vxlanPorts: Set<UInt16> = [4789]
    public var genevePorts: Set<UInt16> = [6081]
    /// UDP port decapsulated as Teredo (IPv6 in UDP).
    public var teredoPorts: Set<UInt16> = [3544]
    /// Also decapsulate UDP on other ports whose payload is an IPv6 packet to or from the
    /// Teredo prefix 2001:0::/32 (what Zeek's Teredo DPD signature finds, e.g. relay traffic).
    public var detectTeredoByContent: Bool = true
    /// Most IP datagrams being reassembled at once; further fragments are dropped and counted.
    public var maxFragmentedDatagrams: Int = 4096
    /// How long an incomplete datagram waits for its other fragments (packet time).
    public var fragmentTimeout: NetworkDuration = .seconds(60)
    /// Most bytes one reassembled datagram may hold (IP's own limit is 65535).
    public var maxReassembledSize: Int = 65_535
    /// Most fragments one datagram may arrive in before it is given up.
    public var maxFragmentsPerDatagram: Int = 256
    /// Deepest tunnel nesting decapsulated (Zeek's `Tunnel::max_depth`, default 2);
    /// deeper packets raise `exceeded_tunnel_max_depth`.
    public var maxTunnelDepth: Int = 2

    public init() {}
}

/// What the decoder has counted so far.
public struct DecoderCounters: Sendable, Hashable {
    public var frames: UInt64 = 0
    public var ipv4: UInt64 = 0
    public var ipv6: UInt64 = 0
    /// Frames that carried no IP (ARP, LLDP, ...): counted, not weird.
    public var nonIP: UInt64 = 0
    public var fragments: UInt64 = 0
    public var reassembled: UInt64 = 0
    public var fragmentsDropped: UInt64 = 0
    public var decapsulated: UInt64 = 0
    public var weirds: UInt64 = 0
    public var unsupportedLinkType: UInt64 = 0

    public init() {}
}

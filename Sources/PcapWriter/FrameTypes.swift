public import FleetModel

/// A 48-bit Ethernet address kept in the low bits of a `UInt64`.
public struct MACAddress: Sendable, Hashable {
    public var value: UInt64

    /// `MACAddress(0x0200_0000_0001)` is `02:00:00:00:00:01`.
    public init(_ value: UInt64) { self.value = value & 0xffff_ffff_ffff }

    /// The six bytes in wire order.
    public var bytes: [UInt8] {
        (0..<6).map { UInt8(truncatingIfNeeded: value >> (40 - 8 * UInt64($0))) }
    }
}

/// TCP control bits as the header carries them (no dependency on the decoder's type).
public struct TCPHeaderFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let fin = TCPHeaderFlags(rawValue: 0x01)
    public static let syn = TCPHeaderFlags(rawValue: 0x02)
    public static let rst = TCPHeaderFlags(rawValue: 0x04)
    public static let psh = TCPHeaderFlags(rawValue: 0x08)
    public static let ack = TCPHeaderFlags(rawValue: 0x10)
    public static let urg = TCPHeaderFlags(rawValue: 0x20)
}

/// A frame together with its capture time.
public struct TimedFrame: Sendable, Hashable {
    public var time: NetworkTime
    public var bytes: [UInt8]

    public init(time: NetworkTime, bytes: [UInt8]) {
        self.time = time
        self.bytes = bytes
    }
}

/// An address and port: one side of a conversation.
public struct Endpoint: Sendable, Hashable {
    public var address: IPAddress
    public var port: UInt16

    public init(_ address: IPAddress, _ port: UInt16) {
        self.address = address
        self.port = port
    }

    /// Parses the address text; traps on a malformed literal (test and tool code only).
    public init(_ text: String, _ port: UInt16) {
        guard let address = IPAddress(text) else {
            preconditionFailure("bad IP literal \(text)")
        }
        self.init(address, port)
    }
}

/// What wraps the IP packet in a frame.
public enum FrameLink: Sendable, Hashable {
    /// Ethernet II (LINKTYPE_ETHERNET, 1), optionally 802.1Q-tagged.
    case ethernet
    /// Bare IP (LINKTYPE_RAW, 101).
    case rawIP

    /// The pcap link type to write in the file header.
    public var pcapLinkType: UInt32 {
        switch self {
        case .ethernet: 1
        case .rawIP: 101
        }
    }
}

/// IP protocol numbers the builder knows.
public enum IPProtocolNumber {
    public static let icmp: UInt8 = 1
    public static let tcp: UInt8 = 6
    public static let udp: UInt8 = 17
    public static let icmpv6: UInt8 = 58
}

import FleetModel
@testable import PacketLayers

/// Collects what the decoder emits, copying payload bytes out while the buffer is valid.
struct CollectingSink: PacketSink {
    var packets: [DecodedPacket] = []
    var payloads: [[UInt8]] = []
    var weirds: [WeirdRecord] = []
    /// Set when a payload range pointed outside the buffer (must never happen).
    var badRange = false

    mutating func receive(_ packet: DecodedPacket, bytes: UnsafeRawBufferPointer) {
        if packet.payload.lowerBound < 0 || packet.payload.upperBound > bytes.count {
            badRange = true
            payloads.append([])
        } else {
            payloads.append(Array(UnsafeRawBufferPointer(rebasing: bytes[packet.payload])))
        }
        packets.append(packet)
    }

    mutating func weird(_ weird: WeirdRecord) {
        weirds.append(weird)
    }

    var weirdNames: [String] { weirds.map(\.name) }
}

/// Decodes one frame with a fresh or given decoder.
func decode(
    _ frame: [UInt8], linkType: LinkType = .ethernet, wireLength: Int? = nil,
    decoder: inout PacketDecoder, at time: Int64 = 1_000_000
) -> CollectingSink {
    var sink = CollectingSink()
    frame.withUnsafeBytes { bytes in
        decoder.decode(frame: bytes, wireLength: wireLength, linkType: linkType,
                       timestamp: NetworkTime(microseconds: time), into: &sink)
    }
    return sink
}

func decode(_ frame: [UInt8], linkType: LinkType = .ethernet, wireLength: Int? = nil,
            configuration: DecoderConfiguration = DecoderConfiguration()) -> CollectingSink {
    var decoder = PacketDecoder(configuration: configuration)
    return decode(frame, linkType: linkType, wireLength: wireLength, decoder: &decoder)
}

/// A checksum written independently of the decoder's (plain 16-bit loop).
func referenceChecksum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt16 {
    var sum = initial
    var index = 0
    while index + 1 < bytes.count {
        sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
        index += 2
    }
    if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
    while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
    return ~UInt16(sum)
}

func be16(_ value: Int) -> [UInt8] { [UInt8((value >> 8) & 0xff), UInt8(value & 0xff)] }
func be32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
}

/// Frame builders: every header field written out byte by byte.
enum Build {
    static let clientMAC: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55]
    static let serverMAC: [UInt8] = [0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb]
    static let client4: [UInt8] = [10, 0, 0, 1]
    static let server4: [UInt8] = [192, 168, 1, 2]
    static let client6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]
    static let server6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [2]

    static func ethernet(type: Int, _ payload: [UInt8]) -> [UInt8] {
        serverMAC + clientMAC + be16(type) + payload
    }

    /// IPv4 header (with options) + payload; the header checksum is computed unless `checksum` is given.
    static func ipv4(
        proto: UInt8, _ payload: [UInt8], source: [UInt8] = client4, destination: [UInt8] = server4,
        id: Int = 0x1234, flags: Int = 0x4000, options: [UInt8] = [], totalLength: Int? = nil, checksum: Int? = nil
    ) -> [UInt8] {
        let headerLength = 20 + options.count
        let ihl = UInt8(0x40 | (headerLength / 4))
        var header: [UInt8] = [ihl, 0x00] + be16(totalLength ?? headerLength + payload.count) + be16(id) + be16(flags)
        header += [64, proto, 0, 0] + source + destination + options
        let sum = checksum ?? Int(referenceChecksum(header))
        header[10] = UInt8(sum >> 8)
        header[11] = UInt8(sum & 0xff)
        return header + payload
    }

    static func ipv6(next: UInt8, _ payload: [UInt8], source: [UInt8] = client6, destination: [UInt8] = server6,
                     payloadLength: Int? = nil) -> [UInt8] {
        [0x60, 0, 0, 0] + be16(payloadLength ?? payload.count) + [next, 64] + source + destination + payload
    }

    static func pseudoSum(source: [UInt8], destination: [UInt8], proto: UInt8, length: Int) -> UInt32 {
        var sum: UInt32 = UInt32(proto) + UInt32(length & 0xffff) + UInt32(length >> 16)
        for address in [source, destination] {
            var index = 0
            while index + 1 < address.count {
                sum += UInt32(address[index]) << 8 | UInt32(address[index + 1])
                index += 2
            }
        }
        return sum
    }

    /// TCP header (20 bytes + options) + payload with a valid checksum for the given addresses.
    static func tcp(
        sourcePort: Int = 40000, destinationPort: Int = 80, sequence: UInt32 = 1000, acknowledgment: UInt32 = 0,
        flags: UInt8 = 0x02, window: Int = 65535, options: [UInt8] = [], _ payload: [UInt8] = [],
        source: [UInt8] = client4, destination: [UInt8] = server4, corruptChecksum: Bool = false
    ) -> [UInt8] {
        let offset = UInt8(((20 + options.count) / 4) << 4)
        var segment = be16(sourcePort) + be16(destinationPort) + be32(sequence) + be32(acknowledgment)
        segment += [offset, flags] + be16(window) + [0, 0, 0, 0] + options + payload
        var sum = referenceChecksum(segment, initial: pseudoSum(source: source, destination: destination, proto: 6, length: segment.count))
        if corruptChecksum { sum ^= 0x5555 }
        segment[16] = UInt8(sum >> 8)
        segment[17] = UInt8(sum & 0xff)
        return segment
    }

    static func udp(sourcePort: Int = 53000, destinationPort: Int = 53, _ payload: [UInt8] = [],
                    source: [UInt8] = client4, destination: [UInt8] = server4, length: Int? = nil,
                    zeroChecksum: Bool = false, corruptChecksum: Bool = false) -> [UInt8] {
        var datagram = be16(sourcePort) + be16(destinationPort) + be16(length ?? 8 + payload.count) + [0, 0] + payload
        if !zeroChecksum {
            var sum = referenceChecksum(datagram, initial: pseudoSum(source: source, destination: destination, proto: 17, length: datagram.count))
            if sum == 0 { sum = 0xffff }
            if corruptChecksum { sum ^= 0x5555 }
            datagram[6] = UInt8(sum >> 8)
            datagram[7] = UInt8(sum & 0xff)
        }
        return datagram
    }

    /// ICMPv4 (pseudo-header-free) or ICMPv6 (give the addresses).
    static func icmp(type: UInt8, code: UInt8 = 0, _ rest: [UInt8] = [0, 1, 0, 1], _ payload: [UInt8] = [],
                     v6Source: [UInt8]? = nil, v6Destination: [UInt8]? = nil, corruptChecksum: Bool = false) -> [UInt8] {
        var message = [type, code, 0, 0] + rest + payload
        var initial: UInt32 = 0
        if let v6Source, let v6Destination {
            initial = pseudoSum(source: v6Source, destination: v6Destination, proto: 58, length: message.count)
        }
        var sum = referenceChecksum(message, initial: initial)
        if corruptChecksum { sum ^= 0x5555 }
        message[2] = UInt8(sum >> 8)
        message[3] = UInt8(sum & 0xff)
        return message
    }

    /// A plain Ethernet/IPv4/TCP SYN.
    static var tcpSYN: [UInt8] { ethernet(type: 0x0800, ipv4(proto: 6, tcp())) }
}

extension IPAddress {
    init(bytes: [UInt8]) {
        if bytes.count == 4 {
            self = .v4(UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3]))
        } else {
            var high: UInt64 = 0, low: UInt64 = 0
            for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
            for index in 8..<16 { low = low << 8 | UInt64(bytes[index]) }
            self = .v6(high, low)
        }
    }
}

/// Decodes every prefix of `frame` (with the full wire length and without) and checks
/// the decoder never crashes, never points outside the buffer, and always says something.
func checkEveryTruncation(_ frame: [UInt8], linkType: LinkType = .ethernet) -> (silent: [Int], badRange: Bool) {
    var silent: [Int] = []
    var badRange = false
    for cut in 0..<frame.count {
        let prefix = Array(frame.prefix(cut))
        for wire in [frame.count, nil] as [Int?] {
            var decoder = PacketDecoder()
            let sink = decode(prefix, linkType: linkType, wireLength: wire, decoder: &decoder)
            if sink.badRange { badRange = true }
            if sink.packets.isEmpty && sink.weirds.isEmpty && decoder.counters.nonIP == 0 { silent.append(cut) }
        }
    }
    return (silent, badRange)
}

import Foundation

/// Cuts a classic (microsecond, little-endian) pcap file into smaller ones for process tests: keeps the packets
/// a predicate accepts and can shift the times of later packets (to open a gap in the replay). Every read is
/// bounds-checked; a file that is not such a pcap throws.
struct PcapSlice {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One packet: capture time in microseconds since the epoch, and the frame.
    struct Packet {
        var time: Int64
        var frame: [UInt8]

        /// IPv4 over Ethernet: protocol, source, destination and (TCP/UDP) ports; nil for anything else.
        var ipv4: (proto: UInt8, source: String, destination: String, sourcePort: UInt16, destinationPort: UInt16)? {
            guard frame.count >= 34, frame[12] == 0x08, frame[13] == 0x00 else { return nil }
            let headerLength = Int(frame[14] & 0x0F) * 4
            let l4 = 14 + headerLength
            guard headerLength >= 20, frame.count >= l4 + 4 else { return nil }
            func address(_ at: Int) -> String { frame[at..<(at + 4)].map(String.init).joined(separator: ".") }
            func port(_ at: Int) -> UInt16 { UInt16(frame[at]) << 8 | UInt16(frame[at + 1]) }
            return (frame[23], address(26), address(30), port(l4), port(l4 + 2))
        }

        /// TCP payload bytes of an IPv4 TCP packet (nil for anything else).
        var tcpPayloadLength: Int? {
            guard let ip = ipv4, ip.proto == 6 else { return nil }
            let headerLength = Int(frame[14] & 0x0F) * 4
            let totalLength = Int(frame[16]) << 8 | Int(frame[17])
            let offsetIndex = 14 + headerLength + 12
            guard frame.count > offsetIndex else { return nil }
            return max(0, totalLength - headerLength - Int(frame[offsetIndex] >> 4) * 4)
        }

        /// Whether `address` is the packet's IPv4 source or destination.
        func involves(_ address: String) -> Bool {
            guard let ip = ipv4 else { return false }
            return ip.source == address || ip.destination == address
        }
    }

    let header: [UInt8]
    let packets: [Packet]

    init(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count >= 24, bytes[0] == 0xD4, bytes[1] == 0xC3, bytes[2] == 0xB2, bytes[3] == 0xA1 else {
            throw Failure(description: "\(path): not a little-endian microsecond pcap")
        }
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        header = Array(bytes[0..<24])
        var packets: [Packet] = []
        var offset = 24
        while offset + 16 <= bytes.count {
            let seconds = Int64(u32(offset)), micros = Int64(u32(offset + 4)), length = Int(u32(offset + 8))
            guard length <= bytes.count - offset - 16 else { throw Failure(description: "\(path): truncated at \(offset)") }
            packets.append(Packet(time: seconds * 1_000_000 + micros, frame: Array(bytes[(offset + 16)..<(offset + 16 + length)])))
            offset += 16 + length
        }
        self.packets = packets
    }

    /// The first packet's time.
    var start: Int64 { packets.first?.time ?? 0 }

    /// Writes the packets `keep` accepts, each at the time `shift` gives (default: unchanged).
    func write(
        to path: String, keep: (Packet) -> Bool, shift: (Packet) -> Int64 = { _ in 0 }
    ) throws {
        var out = header
        for packet in packets where keep(packet) {
            let time = packet.time + shift(packet)
            for value in [UInt32(time / 1_000_000), UInt32(time % 1_000_000), UInt32(packet.frame.count), UInt32(packet.frame.count)] {
                withUnsafeBytes(of: value.littleEndian) { out += $0 }
            }
            out += packet.frame
        }
        try Data(out).write(to: URL(fileURLWithPath: path))
    }
}

import FleetModel
@testable import PacketLayers
import Testing

@Suite("Fragment reassembly")
struct FragmentReassemblyTests {
    /// A UDP datagram of 8 + 40 bytes, split into IPv4 fragments of `size` data bytes.
    static let payload: [UInt8] = (0..<40).map { UInt8($0) }
    static let datagram = Build.udp(sourcePort: 5000, destinationPort: 5001, payload)

    static func fragment(_ offset: Int, _ size: Int, more: Bool, id: Int = 77, data: [UInt8] = datagram) -> [UInt8] {
        let end = min(data.count, offset + size)
        let flags = (more ? 0x2000 : 0) | (offset / 8)
        return Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, Array(data[offset..<end]), id: id, flags: flags))
    }

    func run(_ frames: [[UInt8]], decoder: inout PacketDecoder, times: [Int64]? = nil) -> CollectingSink {
        var all = CollectingSink()
        for (index, frame) in frames.enumerated() {
            let sink = decode(frame, decoder: &decoder, at: times?[index] ?? 1_000_000 + Int64(index))
            all.packets += sink.packets
            all.payloads += sink.payloads
            all.weirds += sink.weirds
            all.badRange = all.badRange || sink.badRange
        }
        return all
    }

    @Test func inOrder() {
        var decoder = PacketDecoder()
        let sink = run([Self.fragment(0, 16, more: true), Self.fragment(16, 16, more: true), Self.fragment(32, 16, more: false)], decoder: &decoder)
        #expect(sink.weirds.isEmpty)
        #expect(sink.packets.count == 1)
        #expect(sink.packets.first?.ipLength == 20 + 48)
        #expect(sink.packets.first?.checksumValid == true)
        #expect(sink.packets.first?.destinationPort == 5001)
        #expect(sink.payloads.first == Self.payload)
        #expect(decoder.counters.fragments == 3)
        #expect(decoder.counters.reassembled == 1)
        #expect(decoder.pendingFragmentedDatagrams == 0)
    }

    @Test func outOfOrder() {
        var decoder = PacketDecoder()
        let sink = run([Self.fragment(32, 16, more: false), Self.fragment(0, 16, more: true), Self.fragment(16, 16, more: true)], decoder: &decoder)
        #expect(sink.packets.count == 1)
        #expect(sink.payloads.first == Self.payload)
    }

    @Test func overlapDropsDatagram() {
        var decoder = PacketDecoder()
        let sink = run([Self.fragment(0, 24, more: true), Self.fragment(16, 16, more: true), Self.fragment(32, 16, more: false)], decoder: &decoder)
        #expect(sink.weirdNames == ["fragment_overlap"])
        #expect(sink.packets.isEmpty)
        #expect(decoder.counters.fragmentsDropped == 2)
        // The last fragment starts a fresh datagram that never completes.
        #expect(decoder.pendingFragmentedDatagrams == 1)
    }

    @Test func oversizeDrops() {
        var decoder = PacketDecoder()
        let big = Build.ethernet(type: 0x0800, Build.ipv4(proto: 17, [UInt8](repeating: 0, count: 16), id: 5, flags: 0x2000 | (65528 / 8)))
        let sink = run([big], decoder: &decoder)
        #expect(sink.weirdNames == ["excessively_large_fragment"])
        #expect(decoder.pendingFragmentedDatagrams == 0)
    }

    @Test func inconsistentEndDrops() {
        var decoder = PacketDecoder()
        let sink = run([Self.fragment(32, 16, more: false), Self.fragment(16, 8, more: false)], decoder: &decoder)
        #expect(sink.weirdNames == ["fragment_size_inconsistency"])
    }

    @Test func timeoutInPacketTime() {
        var configuration = DecoderConfiguration()
        configuration.fragmentTimeout = .seconds(30)
        var decoder = PacketDecoder(configuration: configuration)
        let sink = run([Self.fragment(0, 16, more: true), Self.fragment(16, 16, more: true), Self.fragment(32, 16, more: false)],
                       decoder: &decoder, times: [0, 1_000_000, 40_000_000])
        #expect(sink.packets.isEmpty)
        #expect(decoder.counters.fragmentsDropped == 2)
        #expect(decoder.pendingFragmentedDatagrams == 1)
        decoder.flushFragments()
        #expect(decoder.counters.fragmentsDropped == 3)
    }

    @Test func datagramLimit() {
        var configuration = DecoderConfiguration()
        configuration.maxFragmentedDatagrams = 2
        var decoder = PacketDecoder(configuration: configuration)
        let frames = (1...3).map { Self.fragment(0, 16, more: true, id: $0) }
        let sink = run(frames, decoder: &decoder)
        #expect(sink.weirds.isEmpty)
        #expect(decoder.pendingFragmentedDatagrams == 2)
        #expect(decoder.counters.fragmentsDropped == 1)
    }

    @Test func incompletelyCapturedFragment() {
        var decoder = PacketDecoder()
        let first = Self.fragment(0, 16, more: true)
        let sink = run([Array(first.prefix(first.count - 4))], decoder: &decoder)
        #expect(sink.weirdNames.first == "incompletely_captured_fragment")
        #expect(sink.packets.count == 1)  // the first fragment is still looked at
        let later = Self.fragment(16, 16, more: true)
        let dropped = run([Array(later.prefix(later.count - 4))], decoder: &decoder)
        #expect(dropped.packets.isEmpty)
    }

    @Test func ipv6Fragments() {
        let udp = Build.udp(sourcePort: 5353, destinationPort: 5353, Self.payload, source: Build.client6, destination: Build.server6)
        func fragment(_ offset: Int, _ size: Int, more: Bool) -> [UInt8] {
            let header: [UInt8] = [17, 0] + be16(offset | (more ? 1 : 0)) + be32(0xabcd)
            let data = Array(udp[offset..<min(udp.count, offset + size)])
            return Build.ethernet(type: 0x86dd, Build.ipv6(next: 0, [44, 0, 1, 4, 0, 0, 0, 0] + header + data))
        }
        var decoder = PacketDecoder()
        let sink = run([fragment(24, 24, more: false), fragment(0, 24, more: true)], decoder: &decoder)
        #expect(sink.weirds.isEmpty)
        #expect(sink.packets.count == 1)
        #expect(sink.packets.first?.ipProto == 17)
        #expect(sink.packets.first?.ipLength == 40 + 48)
        #expect(sink.packets.first?.checksumValid == true)
        #expect(sink.payloads.first == Self.payload)
    }
}

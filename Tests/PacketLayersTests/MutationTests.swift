import FleetModel
import PacketLayers
import Testing

/// Random mutations of valid frames (fixed seed): the decoder never traps, never points
/// a payload outside its buffer, and keeps reassembly state bounded.
@Suite("Mutated frames")
struct MutationTests {
    struct XorShift: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    static var seeds: [[UInt8]] {
        let fragment = Build.ipv6(next: 44, [17, 0, 0, 1, 0, 0, 0x0a, 0xbc] + Build.udp([1, 2, 3], source: Build.client6, destination: Build.server6))
        return [
            Build.tcpSYN,
            Build.ethernet(type: 0x0800, Build.ipv4(proto: 47, be16(0xb000) + be16(0x0800) + [UInt8](repeating: 0, count: 12) + TunnelTests.innerIP)),
            TunnelTests.udpTunnel(port: 4789, [0x08, 0, 0, 0, 0, 0, 0x2a, 0] + TunnelTests.innerFrame),
            TunnelTests.udpTunnel(port: 3544, [0, 0, 0x12, 0x34, 1, 2, 3, 4] + TunnelTests.teredoInner),
            Build.ethernet(type: 0x86dd, fragment),
            Build.ethernet(type: 0x88a8, be16(13) + be16(0x8100) + be16(10) + be16(0x8864) + [0x11, 0, 0, 1, 0, 0, 0, 0x21] + Build.ipv4(proto: 1, Build.icmp(type: 8))),
        ]
    }

    @Test(arguments: [true, false])
    func mutatedFramesNeverTrap(verifyChecksums: Bool) {
        var rng = XorShift(state: verifyChecksums ? 0x9e37_79b9_7f4a_7c15 : 0x1234_5678_9abc_def1)
        var configuration = DecoderConfiguration()
        configuration.verifyChecksums = verifyChecksums
        configuration.maxFragmentedDatagrams = 16
        var decoder = PacketDecoder(configuration: configuration)
        let seeds = Self.seeds
        let linkTypes: [LinkType] = [.ethernet, .null, .loop, .ppp, .pppSerial, .raw, .linuxSLL, .linuxSLL2, .nflog]
        var badRange = false
        for round in 0..<20_000 {
            var frame = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: if !frame.isEmpty { frame[Int.random(in: 0..<frame.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
                case 1: frame.removeLast(Int.random(in: 0...min(frame.count, 16), using: &rng))
                default: frame.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...frame.count, using: &rng))
                }
            }
            let linkType = round % 4 == 0 ? linkTypes[Int.random(in: 0..<linkTypes.count, using: &rng)] : .ethernet
            let wire: Int? = round % 2 == 0 ? nil : frame.count + Int.random(in: 0...8, using: &rng)
            let sink = decode(frame, linkType: linkType, wireLength: wire, decoder: &decoder, at: Int64(round) * 10_000)
            badRange = badRange || sink.badRange
        }
        #expect(!badRange)
        #expect(decoder.pendingFragmentedDatagrams <= 16)
        #expect(decoder.counters.frames == 20_000)
        #expect(decoder.counters.weirds > 0)
    }
}

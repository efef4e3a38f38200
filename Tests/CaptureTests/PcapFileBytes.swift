/// Builds classic little-endian pcap files in memory for tests.
struct PcapFileBytes {
    private(set) var bytes: [UInt8] = []

    init(linkType: UInt32 = 1, snapshotLength: UInt32 = 65_535) {
        append32(0xA1B2_C3D4)
        append16(2)
        append16(4)
        append32(0)
        append32(0)
        append32(snapshotLength)
        append32(linkType)
    }

    mutating func addPacket(seconds: UInt32, microseconds: UInt32, frame: [UInt8], wireLength: Int? = nil) {
        append32(seconds)
        append32(microseconds)
        append32(UInt32(frame.count))
        append32(UInt32(wireLength ?? frame.count))
        bytes.append(contentsOf: frame)
    }

    private mutating func append16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    private mutating func append32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}

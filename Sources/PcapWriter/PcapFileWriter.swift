import FleetModel

/// Writes a classic pcap capture (microsecond timestamps, little-endian) as bytes.
///
/// Pure: no I/O. Either keep everything and read `bytes` at the end, or call
/// `takeBytes()` now and then and stream the chunks to a file yourself.
public struct PcapFileWriter: Sendable {
    /// Magic number of a microsecond-precision pcap file.
    public static let magic: UInt32 = 0xa1b2_c3d4

    /// Link-layer type written in the file header (`LINKTYPE_*`; 1 is Ethernet).
    public let linkType: UInt32
    /// Snapshot length written in the file header; longer frames are truncated to it.
    public let snapshotLength: UInt32
    /// Bytes produced and not yet taken.
    public private(set) var bytes: [UInt8]
    /// Packet records written so far.
    public private(set) var packetCount = 0
    /// Total bytes produced so far, taken or not.
    public private(set) var totalBytes = 0

    /// Starts a capture and writes its 24-byte file header.
    ///
    /// - Parameters:
    ///   - linkType: `LINKTYPE_*` value (1 Ethernet, 101 raw IP, 113 Linux SLL, ...).
    ///   - snapshotLength: the header's snaplen; frames beyond it are cut.
    public init(linkType: UInt32 = 1, snapshotLength: UInt32 = 262_144) {
        self.linkType = linkType
        self.snapshotLength = snapshotLength
        var header: [UInt8] = []
        header.reserveCapacity(24)
        header.appendLittleEndian(Self.magic)
        header.appendLittleEndian(UInt16(2))
        header.appendLittleEndian(UInt16(4))
        header.appendLittleEndian(UInt32(0))  // thiszone
        header.appendLittleEndian(UInt32(0))  // sigfigs
        header.appendLittleEndian(snapshotLength)
        header.appendLittleEndian(linkType)
        bytes = header
        totalBytes = header.count
    }

    /// Appends one packet record.
    ///
    /// - Parameters:
    ///   - frame: the frame bytes, starting at the link-layer header.
    ///   - seconds: timestamp seconds since the epoch.
    ///   - microseconds: timestamp fraction, 0..<1_000_000.
    ///   - wireLength: original length on the wire; defaults to `frame.count`
    ///     (pass a larger value to describe a frame captured short).
    public mutating func append(_ frame: [UInt8], seconds: UInt32, microseconds: UInt32, wireLength: Int? = nil) {
        let captured = min(frame.count, Int(snapshotLength))
        let original = max(wireLength ?? frame.count, captured)
        bytes.appendLittleEndian(seconds)
        bytes.appendLittleEndian(microseconds)
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: captured))
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: original))
        if captured == frame.count {
            bytes.append(contentsOf: frame)
        } else {
            bytes.append(contentsOf: frame[0..<captured])
        }
        packetCount += 1
        totalBytes += 16 + captured
    }

    /// Appends one packet record stamped with packet time in microseconds since the epoch.
    public mutating func append(_ frame: [UInt8], microsecondsSinceEpoch: Int64, wireLength: Int? = nil) {
        let clamped = max(microsecondsSinceEpoch, 0)
        append(
            frame,
            seconds: UInt32(truncatingIfNeeded: clamped / 1_000_000),
            microseconds: UInt32(truncatingIfNeeded: clamped % 1_000_000),
            wireLength: wireLength
        )
    }

    /// Appends a frame produced by a builder.
    public mutating func append(_ frame: TimedFrame) {
        append(frame.bytes, microsecondsSinceEpoch: frame.time.microseconds)
    }

    /// Returns the bytes produced since the last call and forgets them (for streaming to a file).
    public mutating func takeBytes() -> [UInt8] {
        let taken = bytes
        bytes = []
        bytes.reserveCapacity(taken.count)
        return taken
    }
}

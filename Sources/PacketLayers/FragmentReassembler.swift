import FleetModel

/// Identifies one fragmented datagram (IPv6 leaves `proto` 0).
struct FragmentKey: Hashable {
    var source: IPAddress
    var destination: IPAddress
    var id: UInt32
    var proto: UInt8
}

/// Where the header of a first fragment is, to rebuild the datagram's header from.
enum FragmentHeader {
    /// The IPv4 header, options included.
    case ipv4(Range<Int>)
    /// The fixed IPv6 header and the protocol following the fragment header.
    case ipv6(Range<Int>, next: UInt8)
}

/// What one fragment did to its datagram.
enum FragmentResult {
    case pending
    /// The datagram was given up: how many fragments it had taken, and the weird to raise (if any).
    case dropped(fragments: Int, weird: String?)
    /// The whole datagram as an IP packet: rebuilt header (no fragmentation left) and data.
    case complete([UInt8])
}

/// Bounded IP fragment reassembly on packet time.
///
/// Overlapping fragments, fragments past the size limit and contradicting final
/// fragments drop the whole datagram (no guessing which copy is right).
struct FragmentReassembler {
    struct Pending {
        var header: [UInt8] = []
        var headerIsIPv6 = false
        var data: [UInt8] = []
        /// Received data ranges, at most `maxFragmentsPerDatagram`.
        var received: [Range<Int>] = []
        var receivedBytes = 0
        var totalLength: Int?
        var firstSeen: NetworkTime
    }

    var pending: [FragmentKey: Pending] = [:]
    var nextSweep = NetworkTime.zero
    /// Fragments of datagrams expired while making room (the decoder adds them to its drop count).
    var expiredByLimit = 0

    mutating func add(
        key: FragmentKey, bytes: UnsafeRawBufferPointer, data: Range<Int>, offset: Int, more: Bool,
        header: FragmentHeader?, now: NetworkTime, configuration: DecoderConfiguration
    ) -> FragmentResult {
        let clampedData = max(0, data.lowerBound)..<max(max(0, data.lowerBound), min(bytes.count, data.upperBound))
        let length = clampedData.count
        let end = offset + length
        var entry: Pending
        if let existing = pending[key] {
            entry = existing
        } else {
            if pending.count >= configuration.maxFragmentedDatagrams {
                expiredByLimit += expire(now: now, timeout: configuration.fragmentTimeout, force: true)
                if pending.count >= configuration.maxFragmentedDatagrams {
                    return .dropped(fragments: 1, weird: nil)
                }
            }
            entry = Pending(firstSeen: now)
        }
        let fragmentCount = entry.received.count + 1
        let headerSize: Int
        switch header {
        case .ipv4(let range): headerSize = range.count
        case .ipv6: headerSize = 40
        case nil: headerSize = entry.header.isEmpty ? 0 : entry.header.count
        }
        if end + headerSize > configuration.maxReassembledSize || end > configuration.maxReassembledSize {
            pending[key] = nil
            return .dropped(fragments: fragmentCount, weird: "excessively_large_fragment")
        }
        if fragmentCount > configuration.maxFragmentsPerDatagram {
            pending[key] = nil
            return .dropped(fragments: fragmentCount, weird: "excessive_fragments")
        }
        if let total = entry.totalLength, end > total || (!more && end != total) {
            pending[key] = nil
            return .dropped(fragments: fragmentCount, weird: "fragment_size_inconsistency")
        }
        if !more, entry.received.contains(where: { $0.upperBound > end }) {
            pending[key] = nil
            return .dropped(fragments: fragmentCount, weird: "fragment_size_inconsistency")
        }
        let range = offset..<end
        if !range.isEmpty, entry.received.contains(where: { $0.overlaps(range) }) {
            pending[key] = nil
            return .dropped(fragments: fragmentCount, weird: "fragment_overlap")
        }
        if !more { entry.totalLength = end }
        if let header {
            switch header {
            case .ipv4(let headerRange):
                entry.header = Array(UnsafeRawBufferPointer(rebasing: bytes[clamp(headerRange, bytes.count)]))
                entry.headerIsIPv6 = false
            case .ipv6(let headerRange, let next):
                entry.header = Array(UnsafeRawBufferPointer(rebasing: bytes[clamp(headerRange, bytes.count)]))
                if entry.header.count > 6 { entry.header[6] = next }
                entry.headerIsIPv6 = true
            }
        }
        if !range.isEmpty {
            if entry.data.count < end {
                entry.data.append(contentsOf: repeatElement(0, count: end - entry.data.count))
            }
            entry.data.withUnsafeMutableBytes { target in
                if let base = target.baseAddress, let sourceBase = bytes.baseAddress {
                    (base + offset).copyMemory(from: sourceBase + clampedData.lowerBound, byteCount: length)
                }
            }
            entry.receivedBytes += length
        }
        entry.received.append(range)
        if let total = entry.totalLength, entry.receivedBytes == total, !entry.header.isEmpty {
            pending[key] = nil
            return .complete(Self.assemble(entry, total: total))
        }
        pending[key] = entry
        return .pending
    }

    private func clamp(_ range: Range<Int>, _ count: Int) -> Range<Int> {
        let lower = min(max(0, range.lowerBound), count)
        return lower..<max(lower, min(count, range.upperBound))
    }

    static func assemble(_ entry: Pending, total: Int) -> [UInt8] {
        var datagram = entry.header
        datagram.reserveCapacity(entry.header.count + total)
        if entry.headerIsIPv6 {
            if datagram.count >= 6 {
                datagram[4] = UInt8(truncatingIfNeeded: total >> 8)
                datagram[5] = UInt8(truncatingIfNeeded: total)
            }
        } else if datagram.count >= 8 {
            let length = entry.header.count + total
            datagram[2] = UInt8(truncatingIfNeeded: length >> 8)
            datagram[3] = UInt8(truncatingIfNeeded: length)
            datagram[6] &= 0x40  // keep DF, clear MF and the offset
            datagram[7] = 0
        }
        datagram.append(contentsOf: entry.data.prefix(total))
        return datagram
    }

    /// Drops datagrams older than `timeout`; returns how many fragments they had taken.
    ///
    /// Sweeps at most once per second of packet time unless `force` is set (or time went backwards).
    mutating func expire(now: NetworkTime, timeout: NetworkDuration, force: Bool = false) -> Int {
        let backwards = nextSweep.microseconds - now.microseconds > 2_000_000
        guard force || backwards || now >= nextSweep else { return 0 }
        nextSweep = now + .seconds(1)
        var dropped = 0
        for (key, entry) in pending where now - entry.firstSeen >= timeout {
            dropped += entry.received.count
            pending[key] = nil
        }
        return dropped
    }

    /// Forgets every pending datagram; returns how many fragments they had taken.
    mutating func removeAll() -> Int {
        let dropped = pending.values.reduce(0) { $0 + $1.received.count }
        pending.removeAll()
        return dropped
    }
}

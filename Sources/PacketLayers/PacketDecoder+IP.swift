import FleetModel

/// What the IP layer hands the transport layer.
struct IPInfo {
    var source: IPAddress
    var destination: IPAddress
    var isIPv6: Bool
    var proto: UInt8
    /// The IP length the header states (IPv4 total length; 40 + IPv6 payload length).
    var ipLength: Int
    /// Transport header start.
    var transportStart: Int
    /// End of the captured transport bytes (never past the stated IP length: Ethernet padding is cut).
    var capturedEnd: Int
    /// End of the transport bytes according to the IP header.
    var declaredEnd: Int
}

/// IPv4 and IPv6, Zeek's order of checks (`IPAnalyzer::AnalyzePacket`).
extension PacketDecoder {
    @inline(__always)
    mutating func decodeIP<Sink: PacketSink>(
        _ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ wireEnd: Int?, _ context: LayerContext,
        reassembled: Bool = false, into sink: inout Sink
    ) {
        let available = end - start
        guard available >= 20 else { return weird("truncated_IP", "IP", context, into: &sink) }
        switch b.u8(start) >> 4 {
        case 4:
            decodeIPv4(b, start, end, wireEnd, context, reassembled: reassembled, into: &sink)
        case 6:
            guard available >= 40 else { return weird("truncated_IP", "IP", context, into: &sink) }
            decodeIPv6(b, start, end, wireEnd, context, reassembled: reassembled, into: &sink)
        default:
            weird("unknown_ip_version", "IP", context, into: &sink)
        }
    }

    mutating func decodeIPv4<Sink: PacketSink>(
        _ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ wireEnd: Int?, _ context: LayerContext, reassembled: Bool,
        into sink: inout Sink
    ) {
        let available = end - start
        // The base header in one bounds-checked read (decodeIP checked `available >= 20`).
        guard let header = b.words20(start) else { return weird("truncated_IP", "IP", context, into: &sink) }
        var total = Int(header.w0 & 0xffff)
        if total == 0 {
            // TCP segmentation offload zeroes the length; with checksums on Zeek gives up.
            weird("ip_hdr_len_zero", "IP", context, into: &sink)
            if configuration.verifyChecksums { return }
            total = available
        }
        if let wireEnd, wireEnd - start < total { return weird("truncated_IP_len", "IP", context, into: &sink) }
        let headerLength = Int(header.w0 >> 24 & 0x0f) &* 4
        if headerLength > total { return weird("invalid_IP_header_size", "IP", context, into: &sink) }
        if headerLength > available { return weird("internally_truncated_header", "IP", context, into: &sink) }
        if headerLength < 20 { return weird("IPv4_min_header_size", "IP", context, into: &sink) }
        if !reassembled { counters.ipv4 &+= 1 }
        let source = IPAddress.v4(header.w3)
        let destination = IPAddress.v4(header.w4)
        if configuration.verifyChecksums, !reassembled,
           InternetChecksum.fold(
               headerLength == 20 ? header.sum : InternetChecksum.sum(b, start..<start + headerLength)) != 0xffff {
            return weird("bad_IP_checksum", "IP", source: source, destination: destination, into: &sink)
        }
        let capturedEnd = min(end, start + total)
        let proto = UInt8(truncatingIfNeeded: header.w2 >> 16)
        let flags = UInt16(truncatingIfNeeded: header.w1)
        let moreFragments = flags & 0x2000 != 0
        let fragmentOffset = Int(flags & 0x1fff) &* 8
        if !reassembled, moreFragments || fragmentOffset != 0 {
            counters.fragments += 1
            if capturedEnd - start < total {
                weird("incompletely_captured_fragment", "IP", source: source, destination: destination, into: &sink)
                // Only the first fragment is still worth a look (header-only traces).
                guard fragmentOffset == 0 else {
                    counters.fragmentsDropped += 1
                    return
                }
            } else {
                let key = FragmentKey(source: source, destination: destination, id: header.w1 >> 16, proto: proto)
                return addFragment(
                    key: key, b, data: start + headerLength..<start + total, offset: fragmentOffset, more: moreFragments,
                    header: fragmentOffset == 0 ? .ipv4(start..<start + headerLength) : nil, context: context,
                    source: source, destination: destination, into: &sink
                )
            }
        }
        let info = IPInfo(
            source: source, destination: destination, isIPv6: false, proto: proto, ipLength: total,
            transportStart: start + headerLength, capturedEnd: capturedEnd, declaredEnd: start + total
        )
        decodeTransport(b, info, context, into: &sink)
    }

    mutating func decodeIPv6<Sink: PacketSink>(
        _ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ wireEnd: Int?, _ context: LayerContext, reassembled: Bool,
        into sink: inout Sink
    ) {
        let total = 40 + Int(b.be16(start + 4))
        if let wireEnd, wireEnd - start < total { return weird("truncated_IP_len", "IP", context, into: &sink) }
        let source = b.ipv6Address(start + 8)
        let destination = b.ipv6Address(start + 24)
        let declaredEnd = start + total
        let capturedEnd = min(end, declaredEnd)
        var next = b.u8(start + 6)
        var offset = start + 40
        var headers = 0
        // Extension headers: Zeek counts them in the header length, so a chain past the
        // stated length is invalid_IP_header_size and one past the capture internally truncated.
        chain: while headers < 16 {
            let length: Int
            switch next {
            case 0, 43, 60, 139, 140:
                guard declaredEnd - offset >= 2 else { return weird("invalid_IP_header_size", "IP", context, into: &sink) }
                guard capturedEnd - offset >= 2 else { return weird("internally_truncated_header", "IP", context, into: &sink) }
                length = (Int(b.u8(offset + 1)) + 1) * 8
            case 51:  // AH: length in 4-byte units, minus 2
                guard declaredEnd - offset >= 2 else { return weird("invalid_IP_header_size", "IP", context, into: &sink) }
                guard capturedEnd - offset >= 2 else { return weird("internally_truncated_header", "IP", context, into: &sink) }
                length = (Int(b.u8(offset + 1)) + 2) * 4
            case 44:
                length = 8
            default:
                break chain
            }
            if declaredEnd - offset < length { return weird("invalid_IP_header_size", "IP", context, into: &sink) }
            if capturedEnd - offset < length { return weird("internally_truncated_header", "IP", context, into: &sink) }
            if next == 44 {
                let field = b.be16(offset + 2)
                let fragmentOffset = Int(field >> 3) * 8
                let more = field & 0x0001 != 0
                let after = b.u8(offset)
                if reassembled || (fragmentOffset == 0 && !more) {
                    // Atomic fragment (RFC 6946), or the header left in a reassembled datagram.
                    next = after
                    offset += length
                    headers += 1
                    continue
                }
                counters.ipv6 += 1
                counters.fragments += 1
                if capturedEnd < declaredEnd {
                    weird("incompletely_captured_fragment", "IP", source: source, destination: destination, into: &sink)
                    counters.fragmentsDropped += 1
                    return
                }
                let key = FragmentKey(source: source, destination: destination, id: b.be32(offset + 4), proto: 0)
                return addFragment(
                    key: key, b, data: offset + 8..<declaredEnd, offset: fragmentOffset, more: more,
                    header: fragmentOffset == 0 ? .ipv6(start..<start + 40, next: after) : nil, context: context,
                    source: source, destination: destination, into: &sink
                )
            }
            next = b.u8(offset)
            offset += length
            headers += 1
        }
        if !reassembled { counters.ipv6 += 1 }
        if next == 59 {
            // No next header: a Teredo bubble is normal, anything else is weird.
            if !context.inTeredo { weird("ipv6_no_next", "IP", source: source, destination: destination, into: &sink) }
            return
        }
        let info = IPInfo(
            source: source, destination: destination, isIPv6: true, proto: next, ipLength: total,
            transportStart: offset, capturedEnd: capturedEnd, declaredEnd: declaredEnd
        )
        decodeTransport(b, info, context, into: &sink)
    }

    /// Feeds one fragment to the reassembler and decodes the datagram once it is complete.
    mutating func addFragment<Sink: PacketSink>(
        key: FragmentKey, _ b: UnsafeRawBufferPointer, data: Range<Int>, offset: Int, more: Bool,
        header: FragmentHeader?, context: LayerContext, source: IPAddress, destination: IPAddress, into sink: inout Sink
    ) {
        let result = fragments.add(
            key: key, bytes: b, data: data, offset: offset, more: more, header: header, now: currentTime,
            configuration: configuration
        )
        if fragments.expiredByLimit > 0 {
            counters.fragmentsDropped += UInt64(fragments.expiredByLimit)
            fragments.expiredByLimit = 0
        }
        switch result {
        case .pending:
            return
        case .dropped(let fragmentCount, let name):
            counters.fragmentsDropped += UInt64(fragmentCount)
            if let name { weird(name, "IP", source: source, destination: destination, into: &sink) }
        case .complete(let datagram):
            counters.reassembled += 1
            datagram.withUnsafeBytes { bytes in
                decodeIP(bytes, 0, bytes.count, bytes.count, context, reassembled: true, into: &sink)
            }
        }
    }
}

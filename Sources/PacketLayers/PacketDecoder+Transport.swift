import FleetModel

/// TCP, UDP, ICMP/ICMPv6 headers and their checksums.
extension PacketDecoder {
    @inline(__always)
    mutating func decodeTransport<Sink: PacketSink>(
        _ b: UnsafeRawBufferPointer, _ ip: IPInfo, _ context: LayerContext, into sink: inout Sink
    ) {
        switch ip.proto {
        case 6: decodeTCP(b, ip, context, into: &sink)
        case 17: decodeUDP(b, ip, context, into: &sink)
        case 1, 58: decodeICMP(b, ip, context, into: &sink)
        case 4, 41: decodeIPInIP(b, ip, context, into: &sink)
        case 47: decodeGRE(b, ip, context, into: &sink)
        default:
            // Other transports (ESP, SCTP, ...) go to the tracker as they are, without ports.
            deliver(packet(ip, context, payload: ip.transportStart..<max(ip.transportStart, ip.capturedEnd),
                           payloadLength: max(0, ip.declaredEnd - ip.transportStart)), b, into: &sink)
        }
    }

    /// Zeek's `CheckHeaderTrunc`: stated too short is `truncated_header`, captured too short internally truncated.
    @inline(__always)
    mutating func checkHeader<Sink: PacketSink>(_ minimum: Int, _ ip: IPInfo, _ source: String, into sink: inout Sink) -> Bool {
        if ip.declaredEnd - ip.transportStart < minimum {
            weird("truncated_header", source, ip, into: &sink)
            return false
        }
        if ip.capturedEnd - ip.transportStart < minimum {
            weird("internally_truncated_header", source, ip, into: &sink)
            return false
        }
        return true
    }

    func packet(_ ip: IPInfo, _ context: LayerContext, payload: Range<Int>, payloadLength: Int) -> DecodedPacket {
        DecodedPacket(
            timestamp: currentTime, source: ip.source, destination: ip.destination, ipProto: ip.proto,
            ipLength: ip.ipLength, payload: payload, payloadLength: payloadLength, vlan: context.vlan,
            innerVLAN: context.innerVLAN, tunnel: context.depth == 0 ? nil : tunnelParent(context)
        )
    }

    /// Verifies a transport checksum over `range` (pseudo-header included unless ICMPv4).
    func transportChecksumValid(_ b: UnsafeRawBufferPointer, _ ip: IPInfo, _ range: Range<Int>, pseudo: Bool) -> Bool {
        var sum: UInt64 = 0
        if pseudo {
            sum = InternetChecksum.pseudoHeaderSum(
                source: ip.source, destination: ip.destination, proto: ip.proto, length: range.count
            )
        }
        return InternetChecksum.fold(InternetChecksum.sum(b, range, initial: sum)) == 0xffff
    }

    @inline(__always)  // into decodeTransport: no spilled IPInfo
    mutating func decodeTCP<Sink: PacketSink>(_ b: UnsafeRawBufferPointer, _ ip: IPInfo, _ context: LayerContext, into sink: inout Sink) {
        guard checkHeader(20, ip, "TCP", into: &sink) else { return }
        let start = ip.transportStart
        // The base header in one bounds-checked read (checkHeader saw 20 captured bytes).
        guard let header = b.words20(start) else { return weird("internally_truncated_header", "TCP", ip, into: &sink) }
        let headerLength = Int(header.w3 >> 28) &* 4
        guard headerLength >= 20 else {
            return weird("bad_TCP_header_len", "TCP", ip, into: &sink)
        }
        guard start + headerLength <= ip.declaredEnd, start + headerLength <= ip.capturedEnd else {
            return weird("truncated_header", "TCP", ip, into: &sink)
        }
        var result = packet(
            ip, context, payload: start + headerLength..<ip.capturedEnd, payloadLength: ip.declaredEnd - start - headerLength
        )
        result.sourcePort = UInt16(truncatingIfNeeded: header.w0 >> 16)
        result.destinationPort = UInt16(truncatingIfNeeded: header.w0)
        result.tcp = TCPSegmentInfo(
            sequence: header.w1, acknowledgment: header.w2,
            flags: TCPFlags(rawValue: UInt8(truncatingIfNeeded: header.w3 >> 16) & 0x3f),
            window: UInt16(truncatingIfNeeded: header.w3)
        )
        if configuration.verifyChecksums, ip.capturedEnd >= ip.declaredEnd {
            result.checksumValid = transportChecksumValid(b, ip, start..<ip.declaredEnd, pseudo: true)
        }
        deliver(result, b, into: &sink)
    }

    @inline(__always)
    mutating func decodeUDP<Sink: PacketSink>(_ b: UnsafeRawBufferPointer, _ ip: IPInfo, _ context: LayerContext, into sink: inout Sink) {
        guard checkHeader(8, ip, "UDP", into: &sink) else { return }
        let start = ip.transportStart
        // The header in one bounds-checked read (checkHeader saw 8 captured bytes).
        guard let header = b.word8(start) else { return weird("internally_truncated_header", "UDP", ip, into: &sink) }
        let declared = ip.declaredEnd - start
        let stated = Int(header >> 16 & 0xffff)
        let sourcePort = UInt16(truncatingIfNeeded: header >> 48)
        let destinationPort = UInt16(truncatingIfNeeded: header >> 32)
        if stated != declared {
            counters.weirds += 1
            let id = ConnIDShim.make(ip.source, sourcePort, ip.destination, destinationPort)
            sink.weird(WeirdRecord(
                ts: currentTime, id: id, name: "UDP_datagram_length_mismatch", addl: "\(stated) != \(declared)", source: "UDP"
            ))
        }
        let udpLength = stated >= 8 && stated <= declared ? stated : declared
        let udpEnd = start + udpLength
        var result = packet(ip, context, payload: start + 8..<min(ip.capturedEnd, udpEnd), payloadLength: udpLength - 8)
        result.sourcePort = sourcePort
        result.destinationPort = destinationPort
        let checksum = UInt16(truncatingIfNeeded: header)
        if configuration.verifyChecksums, ip.capturedEnd >= udpEnd, !(checksum == 0 && !ip.isIPv6) {
            result.checksumValid = transportChecksumValid(b, ip, start..<udpEnd, pseudo: true)
        }
        deliver(result, b, into: &sink)
        // Zeek never hands a packet with a bad checksum to the tunnel analyzers.
        if result.checksumValid {
            decodeUDPTunnel(b, ip, context, result, into: &sink)
        }
    }

    mutating func decodeICMP<Sink: PacketSink>(_ b: UnsafeRawBufferPointer, _ ip: IPInfo, _ context: LayerContext, into sink: inout Sink) {
        guard checkHeader(8, ip, "ICMP", into: &sink) else { return }
        let start = ip.transportStart
        var result = packet(ip, context, payload: start + 8..<ip.capturedEnd, payloadLength: ip.declaredEnd - start - 8)
        result.icmpType = b.u8(start)
        result.icmpCode = b.u8(start + 1)
        // Verified only when fully captured: a snaplen cut is no reason to distrust the packet.
        if configuration.verifyChecksums, ip.capturedEnd >= ip.declaredEnd {
            result.checksumValid = transportChecksumValid(b, ip, start..<ip.declaredEnd, pseudo: ip.proto == 58)
        }
        deliver(result, b, into: &sink)
    }
}

/// Builds weird endpoints with ports.
enum ConnIDShim {
    static func make(_ source: IPAddress, _ sourcePort: UInt16, _ destination: IPAddress, _ destinationPort: UInt16) -> ConnID {
        ConnID(originatorHost: source, originatorPort: sourcePort, responderHost: destination, responderPort: destinationPort)
    }
}

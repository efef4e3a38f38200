/// Tunnels: VXLAN, GENEVE and Teredo over UDP; GRE; IP-in-IP.
extension PacketDecoder {
    /// The context for a packet inside a tunnel, or nil (with a weird) when nesting is too deep.
    mutating func enterTunnel<Sink: PacketSink>(
        _ kind: TunnelKind, _ ip: IPInfo, sourcePort: UInt16, destinationPort: UInt16, _ context: LayerContext,
        into sink: inout Sink
    ) -> LayerContext? {
        guard context.depth < configuration.maxTunnelDepth else {
            weird("exceeded_tunnel_max_depth", "IP", ip, into: &sink)
            return nil
        }
        counters.decapsulated += 1
        // The parents of this packet are the first `context.depth`; deeper ones are stale.
        if tunnelParents.count > context.depth { tunnelParents.removeSubrange(context.depth...) }
        tunnelParents.append(TunnelParent(
            kind: kind, source: ip.source, destination: ip.destination, sourcePort: sourcePort,
            destinationPort: destinationPort, ipProto: ip.proto
        ))
        var inner = LayerContext()
        inner.depth = tunnelParents.count
        return inner
    }

    /// After the outer UDP packet was delivered: decapsulates VXLAN, GENEVE or Teredo by port.
    mutating func decodeUDPTunnel<Sink: PacketSink>(
        _ b: UnsafeRawBufferPointer, _ ip: IPInfo, _ context: LayerContext, _ outer: DecodedPacket, into sink: inout Sink
    ) {
        let start = outer.payload.lowerBound
        let end = outer.payload.upperBound
        let wireEnd = start + outer.payloadLength
        let bits = tunnelPorts[Int(outer.destinationPort)] | tunnelPorts[Int(outer.sourcePort)]
        if bits & TunnelPortBits.vxlan != 0 {
            // 8-byte header with the I flag; inner Ethernet.
            guard end - start >= 8, b.u8(start) & 0x08 != 0,
                  let inner = enterTunnel(
                      .vxlan, ip, sourcePort: outer.sourcePort, destinationPort: outer.destinationPort, context, into: &sink)
            else { return }
            decodeEthernet(b, start + 8, end, wireEnd, inner, into: &sink)
        } else if bits & TunnelPortBits.geneve != 0 {
            guard end - start >= 8, b.u8(start) >> 6 == 0 else { return }
            let innerStart = start + 8 + Int(b.u8(start) & 0x3f) * 4
            let proto = b.be16(start + 2)
            guard innerStart <= end,
                  let inner = enterTunnel(
                      .geneve, ip, sourcePort: outer.sourcePort, destinationPort: outer.destinationPort, context, into: &sink)
            else { return }
            if proto == 0x6558 {
                decodeEthernet(b, innerStart, end, wireEnd, inner, into: &sink)
            } else {
                dispatchEtherType(proto, b, innerStart, end, wireEnd, inner, into: &sink)
            }
        } else if bits & TunnelPortBits.teredo != 0 {
            decodeTeredo(b, ip, start, end, context, outer, into: &sink)
        } else if configuration.detectTeredoByContent, Self.looksLikeTeredo(b, start, end) {
            decodeTeredo(b, ip, start, end, context, outer, into: &sink)
        }
    }

    /// An IPv6 header (after an optional origin indication) to or from 2001:0::/32, filling the payload exactly.
    static func looksLikeTeredo(_ b: UnsafeRawBufferPointer, _ first: Int, _ end: Int) -> Bool {
        var start = first
        if end - start >= 8, b.be16(start) == 0 { start += 8 }
        guard end - start >= 40, b.u8(start) >> 4 == 6, 40 + Int(b.be16(start + 4)) == end - start else { return false }
        return b.be32(start + 8) == 0x2001_0000 || b.be32(start + 24) == 0x2001_0000
    }

    /// Teredo as Zeek validates it: optional authentication then origin indication, then a whole IPv6 packet.
    mutating func decodeTeredo<Sink: PacketSink>(_ b: UnsafeRawBufferPointer, _ ip: IPInfo, _ start: Int, _ end: Int,
                               _ context: LayerContext, _ outer: DecodedPacket, into sink: inout Sink) {
        var offset = start
        var foundOrigin = false
        var foundAuthentication = false
        while true {
            guard end - offset >= 2 else { return weird("truncated_Teredo", "TEREDO", ip, into: &sink) }
            let tag = b.be16(offset)
            if tag == 0 {
                guard !foundOrigin else { return }
                guard end - offset >= 8 else {
                    return weird("truncated_Teredo_origin_indication", "TEREDO", ip, into: &sink)
                }
                foundOrigin = true
                offset += 8
            } else if tag == 1 {
                guard !foundOrigin, !foundAuthentication, end - offset >= 4 else { return }
                let total = 4 + Int(b.u8(offset + 2)) + Int(b.u8(offset + 3)) + 8 + 1
                guard end - offset >= total else {
                    return weird("truncated_Teredo_authentication", "TEREDO", ip, into: &sink)
                }
                foundAuthentication = true
                offset += total
            } else if tag >> 12 == 6 {
                guard end - offset >= 40 else {
                    return weird("truncated_IPv6_in_Teredo", "TEREDO", ip, into: &sink)
                }
                break
            } else {
                return  // not Teredo: the UDP packet stands alone
            }
        }
        // The inner IPv6 packet must fill the UDP payload exactly.
        guard 40 + Int(b.be16(offset + 4)) == end - offset else {
            return weird("Teredo_payload_len_mismatch", "TEREDO", ip, into: &sink)
        }
        guard var inner = enterTunnel(
            .teredo, ip, sourcePort: outer.sourcePort, destinationPort: outer.destinationPort, context, into: &sink)
        else { return }
        inner.inTeredo = true
        decodeIP(b, offset, end, end, inner, into: &sink)
    }

    /// IP protocol 4 or 41: the inner packet must be whole (Zeek's `IPTunnel` checks).
    mutating func decodeIPInIP<Sink: PacketSink>(
        _ b: UnsafeRawBufferPointer, _ ip: IPInfo, _ context: LayerContext, into sink: inout Sink
    ) {
        decodeTunneledIP(b, ip, ip.transportStart, ip.capturedEnd, version: ip.proto == 4 ? 4 : 6, kind: .ipInIP, context, into: &sink)
    }

    mutating func decodeTunneledIP<Sink: PacketSink>(_ b: UnsafeRawBufferPointer, _ ip: IPInfo, _ start: Int, _ end: Int, version: UInt8,
                                   kind: TunnelKind, _ context: LayerContext, into sink: inout Sink) {
        let available = end - start
        let actual = available > 0 ? b.u8(start) >> 4 : 0
        let minimum = version == 4 ? 20 : 40
        guard available >= minimum, actual == version else {
            if version == 6, available < 40, available > 0, actual == 6 {
                return weird("truncated_inner_IP", "IPTUNNEL", ip, into: &sink)
            }
            return weird("invalid_inner_IP_version", "IPTUNNEL", ip, into: &sink)
        }
        let total = version == 4 ? Int(b.be16(start + 2)) : 40 + Int(b.be16(start + 4))
        if available < total {
            return weird("truncated_inner_IP", "IPTUNNEL", ip, into: &sink)
        }
        if available > total {
            return weird("inner_IP_payload_length_mismatch", "IPTUNNEL", ip, into: &sink)
        }
        guard let inner = enterTunnel(kind, ip, sourcePort: 0, destinationPort: 0, context, into: &sink) else { return }
        decodeIP(b, start, end, end, inner, into: &sink)
    }

    /// GRE versions 0 (with checksum/key/sequence options) and 1 (PPTP's enhanced GRE).
    mutating func decodeGRE<Sink: PacketSink>(_ b: UnsafeRawBufferPointer, _ ip: IPInfo, _ context: LayerContext, into sink: inout Sink) {
        let start = ip.transportStart
        let end = ip.capturedEnd
        guard end - start >= 4 else { return weird("truncated_GRE", "GRE", ip, into: &sink) }
        let flags = b.be16(start)
        var proto = b.be16(start + 2)
        let version = flags & 0x0007
        guard version <= 1 else { return weird("unknown_gre_version", "GRE", ip, into: &sink) }
        if flags & 0x4000 != 0 { return weird("gre_routing", "GRE", ip, into: &sink) }
        var headerLength = 4
        if flags & 0x8000 != 0 { headerLength += 4 }
        if flags & 0x2000 != 0 { headerLength += 4 }
        if flags & 0x1000 != 0 { headerLength += 4 }
        if version == 1, flags & 0x0080 != 0 { headerLength += 4 }
        var pppLength = 0
        if version == 1 {
            guard proto == 0x880b else { return weird("egre_protocol_type", "GRE", ip, into: &sink) }
            // An acknowledgment-only packet carries nothing.
            if end - start == headerLength { return }
            guard end - start >= headerLength + 4 else {
                return weird("truncated_GRE", "GRE", ip, into: &sink)
            }
            let pppProto = b.be16(start + headerLength + 2)
            guard pppProto == 0x0021 || pppProto == 0x0057 else {
                return weird("non_ip_packet_in_encap", "GRE", ip, into: &sink)
            }
            proto = pppProto == 0x0021 ? 0x0800 : 0x86dd
            pppLength = 4
        }
        let innerStart = start + headerLength + pppLength
        guard innerStart <= end else { return weird("truncated_GRE", "GRE", ip, into: &sink) }
        switch proto {
        case 0x0800, 0x86dd:
            decodeTunneledIP(b, ip, innerStart, end, version: proto == 0x0800 ? 4 : 6, kind: .gre, context, into: &sink)
        case 0x6558:
            guard end - innerStart >= 14 else { return weird("truncated_GRE", "GRE", ip, into: &sink) }
            guard let inner = enterTunnel(.gre, ip, sourcePort: 0, destinationPort: 0, context, into: &sink) else { return }
            decodeEthernet(b, innerStart, end, ip.declaredEnd, inner, into: &sink)
        case 0x8847, 0x8848:
            guard let inner = enterTunnel(.gre, ip, sourcePort: 0, destinationPort: 0, context, into: &sink) else { return }
            decodeMPLS(b, innerStart, end, ip.declaredEnd, inner, into: &sink)
        default:
            weird("unknown_gre_protocol", "GRE", ip, into: &sink)
        }
    }
}

/// Link layers: Ethernet and its tags, Linux cooked, BSD loopback, PPP, NFLOG, raw IP.
extension PacketDecoder {
    // The hot chain (frame, link, Ethernet, Ethertype, IP version, transport switch) is inlined
    // into one function: each call in it cost a prologue and a dozen spilled arguments.
    @inline(__always)
    mutating func decodeLink<Sink: PacketSink>(_ b: UnsafeRawBufferPointer, linkType: LinkType, wireEnd: Int?, into sink: inout Sink) {
        let context = LayerContext()
        let end = b.count
        switch linkType.rawValue {
        case LinkType.ethernet.rawValue:
            decodeEthernet(b, 0, end, wireEnd, context, into: &sink)
        case LinkType.raw.rawValue, LinkType.rawLinktype.rawValue, LinkType.ipv4.rawValue, LinkType.ipv6.rawValue:
            decodeIP(b, 0, end, wireEnd, context, into: &sink)
        case LinkType.linuxSLL.rawValue:
            guard end >= 16 else { return weird("truncated_link_header", "LINUX_SLL", context, into: &sink) }
            dispatchEtherType(b.be16(14), b, 16, end, wireEnd, context, into: &sink)
        case LinkType.linuxSLL2.rawValue:
            guard end >= 20 else { return weird("truncated_link_header", "LINUX_SLL2", context, into: &sink) }
            dispatchEtherType(b.be16(0), b, 20, end, wireEnd, context, into: &sink)
        case LinkType.null.rawValue, LinkType.loop.rawValue:
            guard end >= 4 else { return weird("truncated_link_header", "NULL", context, into: &sink) }
            // DLT_NULL is in the capturing host's order: accept either; DLT_LOOP is network order.
            var family = linkType == .loop ? b.be32(0) : b.le32(0)
            if linkType == .null, !Self.isLoopbackIPFamily(family) { family = b.be32(0) }
            guard Self.isLoopbackIPFamily(family) else {
                counters.nonIP += 1
                return
            }
            decodeIP(b, 4, end, wireEnd, context, into: &sink)
        case LinkType.ppp.rawValue:
            decodePPP(b, 0, end, wireEnd, context, into: &sink)
        case LinkType.pppSerial.rawValue:
            guard end >= 4 else { return weird("truncated_link_header", "PPP_SERIAL", context, into: &sink) }
            let address = b.u8(0)
            if address == 0x0f || address == 0x8f {
                // Cisco HDLC: the protocol is an Ethertype.
                dispatchEtherType(b.be16(2), b, 4, end, wireEnd, context, into: &sink)
            } else {
                decodePPPProtocol(b.be16(2), b, 4, end, wireEnd, context, into: &sink)
            }
        case LinkType.nflog.rawValue:
            decodeNFLOG(b, end, wireEnd, context, into: &sink)
        default:
            counters.unsupportedLinkType += 1
            if !reportedUnsupportedLinkType {
                reportedUnsupportedLinkType = true
                weird("unsupported_link_type", "PACKET", addl: String(linkType.rawValue), into: &sink)
            }
        }
    }

    /// AF_INET and the AF_INET6 values of the BSDs (24 NetBSD/OpenBSD, 28 FreeBSD, 30 Darwin).
    static func isLoopbackIPFamily(_ family: UInt32) -> Bool {
        family == 2 || family == 24 || family == 28 || family == 30
    }

    /// Ethernet II (and 802.3 with SNAP) from `start`.
    @inline(__always)
    mutating func decodeEthernet<Sink: PacketSink>(
        _ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ wireEnd: Int?, _ context: LayerContext, into sink: inout Sink
    ) {
        guard end - start >= 14 else { return weird("truncated_ethernet_frame", "ETHERNET", context, into: &sink) }
        let type = b.be16(start + 12)
        if type <= 1500 {
            // 802.3 length field: only LLC/SNAP carries an Ethertype.
            let llc = start + 14
            guard end - llc >= 8, b.u8(llc) == 0xaa, b.u8(llc + 1) == 0xaa, b.u8(llc + 2) == 0x03 else {
                counters.nonIP += 1
                return
            }
            return dispatchEtherType(b.be16(llc + 6), b, llc + 8, end, wireEnd, context, into: &sink)
        }
        dispatchEtherType(type, b, start + 14, end, wireEnd, context, into: &sink)
    }

    /// Follows VLAN tags, MPLS labels and PPPoE down to IP.
    @inline(__always)
    mutating func dispatchEtherType<Sink: PacketSink>(
        _ firstType: UInt16, _ b: UnsafeRawBufferPointer, _ firstStart: Int, _ end: Int, _ wireEnd: Int?,
        _ outerContext: LayerContext, into sink: inout Sink
    ) {
        // The common case first: IP right after the link header (no copy of the context).
        if firstType == 0x0800 || firstType == 0x86dd {
            return decodeIP(b, firstStart, end, wireEnd, outerContext, into: &sink)
        }
        dispatchOtherEtherType(firstType, b, firstStart, end, wireEnd, outerContext, into: &sink)
    }

    /// VLAN tags, MPLS, PPPoE and non-IP Ethertypes: out of the inlined hot chain.
    @inline(never)
    mutating func dispatchOtherEtherType<Sink: PacketSink>(
        _ firstType: UInt16, _ b: UnsafeRawBufferPointer, _ firstStart: Int, _ end: Int, _ wireEnd: Int?,
        _ outerContext: LayerContext, into sink: inout Sink
    ) {
        var type = firstType
        var start = firstStart
        var context = outerContext
        // Every iteration consumes at least 4 bytes, so the loop ends with the frame.
        while true {
            switch type {
            case 0x0800, 0x86dd:
                return decodeIP(b, start, end, wireEnd, context, into: &sink)
            case 0x8100, 0x88a8, 0x9100:
                guard end - start >= 4 else { return weird("truncated_VLAN_header", "VLAN", context, into: &sink) }
                let tag = b.be16(start) & 0x0fff
                if context.vlan == nil {
                    context.vlan = tag
                } else if context.innerVLAN == nil {
                    context.innerVLAN = tag
                }
                type = b.be16(start + 2)
                start += 4
            case 0x8847, 0x8848:
                return decodeMPLS(b, start, end, wireEnd, context, into: &sink)
            case 0x8864:
                guard end - start >= 8 else { return weird("truncated_pppoe_header", "PPPOE", context, into: &sink) }
                return decodePPPProtocol(b.be16(start + 6), b, start + 8, end, wireEnd, context, into: &sink)
            default:
                // ARP, LLDP, PPPoE discovery, STP, ...: not IP, not weird.
                counters.nonIP += 1
                return
            }
        }
    }

    mutating func decodeMPLS<Sink: PacketSink>(
        _ b: UnsafeRawBufferPointer, _ first: Int, _ end: Int, _ wireEnd: Int?, _ context: LayerContext, into sink: inout Sink
    ) {
        var start = first
        while true {
            guard end - start >= 4 else { return weird("truncated_link_header", "MPLS", context, into: &sink) }
            let bottomOfStack = b.u8(start + 2) & 0x01 != 0
            start += 4
            if bottomOfStack { break }
        }
        guard start < end else { return weird("truncated_link_header", "MPLS", context, into: &sink) }
        switch b.u8(start) >> 4 {
        case 4, 6: decodeIP(b, start, end, wireEnd, context, into: &sink)
        default: weird("no_ip_in_mpls_payload", "MPLS", context, into: &sink)
        }
    }

    /// DLT_PPP: optional 0xff03 address/control, then a 1- or 2-byte protocol.
    mutating func decodePPP<Sink: PacketSink>(
        _ b: UnsafeRawBufferPointer, _ first: Int, _ end: Int, _ wireEnd: Int?, _ context: LayerContext, into sink: inout Sink
    ) {
        var start = first
        if end - start >= 2, b.u8(start) == 0xff, b.u8(start + 1) == 0x03 { start += 2 }
        guard end - start >= 1 else { return weird("truncated_link_header", "PPP", context, into: &sink) }
        if b.u8(start) & 0x01 != 0 {
            // Protocol-field compression: one byte.
            decodePPPProtocol(UInt16(b.u8(start)), b, start + 1, end, wireEnd, context, into: &sink)
        } else {
            guard end - start >= 2 else { return weird("truncated_link_header", "PPP", context, into: &sink) }
            decodePPPProtocol(b.be16(start), b, start + 2, end, wireEnd, context, into: &sink)
        }
    }

    mutating func decodePPPProtocol<Sink: PacketSink>(
        _ proto: UInt16, _ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ wireEnd: Int?, _ context: LayerContext,
        into sink: inout Sink
    ) {
        switch proto {
        case 0x0021, 0x0057: decodeIP(b, start, end, wireEnd, context, into: &sink)
        default: counters.nonIP += 1  // LCP, IPCP, CHAP, ...
        }
    }

    /// NFLOG: a 4-byte header, then TLVs (little-endian length and type, padded to 4); type 9 is the packet.
    mutating func decodeNFLOG<Sink: PacketSink>(
        _ b: UnsafeRawBufferPointer, _ end: Int, _ wireEnd: Int?, _ context: LayerContext, into sink: inout Sink
    ) {
        guard end >= 4 else { return weird("truncated_link_header", "NFLOG", context, into: &sink) }
        var offset = 4
        while end - offset >= 4 {
            let length = Int(b.le16(offset))
            let type = b.le16(offset + 2) & 0x7fff
            guard length >= 4 else { return weird("nflog_bad_tlv_length", "NFLOG", context, into: &sink) }
            if type == 9 {
                let payloadEnd = offset + length
                let payloadWireEnd = wireEnd.map { min($0, payloadEnd) }
                return decodeIP(b, offset + 4, min(end, payloadEnd), payloadWireEnd, context, into: &sink)
            }
            offset += (length + 3) & ~3
        }
        counters.nonIP += 1
    }
}

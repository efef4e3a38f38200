public import FleetModel

/// Crafts Ethernet (optionally 802.1Q) / IPv4 / IPv6 / TCP / UDP / ICMP frames
/// with correct lengths and checksums.
///
/// A value type: copy it per host or per flow. Mutating methods advance the IPv4
/// identification counter.
public struct PacketBuilder: Sendable {
    public var link: FrameLink
    public var sourceMAC: MACAddress
    public var destinationMAC: MACAddress
    /// 802.1Q VLAN ID to tag frames with (Ethernet only); nil means untagged.
    public var vlan: UInt16?
    /// IPv4 TTL / IPv6 hop limit.
    public var ttl: UInt8 = 64
    /// Next IPv4 identification value.
    public var ipIdentification: UInt16 = 1
    /// Sets IPv4 DF on every packet.
    public var dontFragment = true
    /// Write a deliberately wrong transport checksum (for checksum-failure tests).
    public var corruptTransportChecksum = false

    public init(
        link: FrameLink = .ethernet,
        sourceMAC: MACAddress = MACAddress(0x0200_0000_0001),
        destinationMAC: MACAddress = MACAddress(0x0200_0000_0002),
        vlan: UInt16? = nil
    ) {
        self.link = link
        self.sourceMAC = sourceMAC
        self.destinationMAC = destinationMAC
        self.vlan = vlan
    }

    // MARK: Whole frames

    /// A TCP segment in a full frame.
    public mutating func tcp(
        from source: Endpoint, to destination: Endpoint, sequence: UInt32, acknowledgment: UInt32 = 0,
        flags: TCPHeaderFlags, window: UInt16 = 65_535, options: [UInt8] = [], payload: [UInt8] = []
    ) -> [UInt8] {
        let optionWords = (options.count + 3) / 4
        let headerLength = 20 + optionWords * 4
        var header: [UInt8] = []
        header.reserveCapacity(headerLength)
        header.appendBigEndian(source.port)
        header.appendBigEndian(destination.port)
        header.appendBigEndian(sequence)
        header.appendBigEndian(acknowledgment)
        header.append(UInt8(headerLength / 4) << 4)
        header.append(flags.rawValue)
        header.appendBigEndian(window)
        header.appendBigEndian(UInt16(0))  // checksum
        header.appendBigEndian(UInt16(0))  // urgent pointer
        header.append(contentsOf: options)
        while header.count < headerLength { header.append(0) }
        return transportFrame(
            source: source.address, destination: destination.address, protocolNumber: IPProtocolNumber.tcp,
            header: header, checksumOffset: 16, payload: payload
        )
    }

    /// A UDP datagram in a full frame.
    public mutating func udp(from source: Endpoint, to destination: Endpoint, payload: [UInt8]) -> [UInt8] {
        var header: [UInt8] = []
        header.reserveCapacity(8)
        header.appendBigEndian(source.port)
        header.appendBigEndian(destination.port)
        header.appendBigEndian(UInt16(truncatingIfNeeded: 8 + payload.count))
        header.appendBigEndian(UInt16(0))
        return transportFrame(
            source: source.address, destination: destination.address, protocolNumber: IPProtocolNumber.udp,
            header: header, checksumOffset: 6, payload: payload
        )
    }

    /// An ICMP (IPv4) or ICMPv6 message in a full frame; `rest` is the 4-byte field
    /// after the checksum (identifier and sequence for echo).
    public mutating func icmp(
        from source: IPAddress, to destination: IPAddress, type: UInt8, code: UInt8, rest: UInt32 = 0,
        payload: [UInt8] = []
    ) -> [UInt8] {
        var header: [UInt8] = [type, code, 0, 0]
        header.appendBigEndian(rest)
        let number = source.isIPv4 ? IPProtocolNumber.icmp : IPProtocolNumber.icmpv6
        return transportFrame(
            source: source, destination: destination, protocolNumber: number,
            header: header, checksumOffset: 2, payload: payload
        )
    }

    /// An echo request (ICMP type 8 / ICMPv6 128).
    public mutating func icmpEchoRequest(
        from source: IPAddress, to destination: IPAddress, identifier: UInt16, sequence: UInt16, payload: [UInt8]
    ) -> [UInt8] {
        icmp(
            from: source, to: destination, type: source.isIPv4 ? 8 : 128, code: 0,
            rest: UInt32(identifier) << 16 | UInt32(sequence), payload: payload
        )
    }

    /// An echo reply (ICMP type 0 / ICMPv6 129).
    public mutating func icmpEchoReply(
        from source: IPAddress, to destination: IPAddress, identifier: UInt16, sequence: UInt16, payload: [UInt8]
    ) -> [UInt8] {
        icmp(
            from: source, to: destination, type: source.isIPv4 ? 0 : 129, code: 0,
            rest: UInt32(identifier) << 16 | UInt32(sequence), payload: payload
        )
    }

    /// Any IP payload (already complete transport bytes) in a full frame.
    public mutating func ip(
        from source: IPAddress, to destination: IPAddress, protocolNumber: UInt8, payload: [UInt8]
    ) -> [UInt8] {
        transportFrame(
            source: source, destination: destination, protocolNumber: protocolNumber,
            header: [], checksumOffset: nil, payload: payload
        )
    }

    // MARK: Assembly

    /// Writes L2 + IP + transport header + payload into one buffer, filling in lengths and checksums.
    mutating func transportFrame(
        source: IPAddress, destination: IPAddress, protocolNumber: UInt8,
        header: [UInt8], checksumOffset: Int?, payload: [UInt8]
    ) -> [UInt8] {
        let transportLength = header.count + payload.count
        var transportHeader = header
        if let checksumOffset {
            var checksum = InternetChecksum()
            // ICMP over IPv4 has no pseudo-header; everything else does.
            if !(protocolNumber == IPProtocolNumber.icmp && source.isIPv4) {
                Self.addPseudoHeader(
                    to: &checksum, source: source, destination: destination,
                    protocolNumber: protocolNumber, length: transportLength
                )
            }
            checksum.add(transportHeader)
            checksum.add(payload)
            var value = checksum.value
            if protocolNumber == IPProtocolNumber.udp && value == 0 { value = 0xffff }
            if corruptTransportChecksum { value = value == 0x1234 ? 0x4321 : 0x1234 }
            transportHeader.setBigEndian(value, at: checksumOffset)
        }
        var frame: [UInt8] = []
        frame.reserveCapacity(18 + 40 + transportLength)
        let isIPv4 = source.isIPv4
        if link == .ethernet {
            frame.append(contentsOf: destinationMAC.bytes)
            frame.append(contentsOf: sourceMAC.bytes)
            if let vlan {
                frame.appendBigEndian(UInt16(0x8100))
                frame.appendBigEndian(vlan & 0x0fff)
            }
            frame.appendBigEndian(UInt16(isIPv4 ? 0x0800 : 0x86dd))
        }
        switch (source, destination) {
        case (.v4(let src), .v4(let dst)):
            let start = frame.count
            frame.append(0x45)
            frame.append(0)
            frame.appendBigEndian(UInt16(truncatingIfNeeded: 20 + transportLength))
            frame.appendBigEndian(ipIdentification)
            frame.appendBigEndian(UInt16(dontFragment ? 0x4000 : 0))
            frame.append(ttl)
            frame.append(protocolNumber)
            frame.appendBigEndian(UInt16(0))
            frame.appendBigEndian(src)
            frame.appendBigEndian(dst)
            frame.setBigEndian(InternetChecksum.compute(frame[start..<(start + 20)]), at: start + 10)
            ipIdentification &+= 1
        case (.v6(let srcHigh, let srcLow), .v6(let dstHigh, let dstLow)):
            frame.appendBigEndian(UInt32(0x6000_0000))
            frame.appendBigEndian(UInt16(truncatingIfNeeded: transportLength))
            frame.append(protocolNumber)
            frame.append(ttl)
            frame.appendBigEndian(srcHigh)
            frame.appendBigEndian(srcLow)
            frame.appendBigEndian(dstHigh)
            frame.appendBigEndian(dstLow)
        default:
            preconditionFailure("PacketBuilder: source and destination must be the same IP version")
        }
        frame.append(contentsOf: transportHeader)
        frame.append(contentsOf: payload)
        return frame
    }

    /// Adds the TCP/UDP/ICMPv6 pseudo-header for either IP version.
    public static func addPseudoHeader(
        to checksum: inout InternetChecksum, source: IPAddress, destination: IPAddress,
        protocolNumber: UInt8, length: Int
    ) {
        for address in [source, destination] {
            switch address {
            case .v4(let value):
                checksum.add(word32: value)
            case .v6(let high, let low):
                checksum.add(word32: UInt32(truncatingIfNeeded: high >> 32))
                checksum.add(word32: UInt32(truncatingIfNeeded: high))
                checksum.add(word32: UInt32(truncatingIfNeeded: low >> 32))
                checksum.add(word32: UInt32(truncatingIfNeeded: low))
            }
        }
        checksum.add(word32: UInt32(truncatingIfNeeded: length))
        checksum.add(word: UInt16(protocolNumber))
    }
}

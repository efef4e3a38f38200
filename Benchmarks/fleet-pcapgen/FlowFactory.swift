import FleetModel
import PcapWriter

/// Builds the frames of one synthetic flow of a randomly chosen kind.
struct FlowFactory {
    /// Multiplies data volumes (1 = the default 10 packets per flow).
    let scale: Double
    let resolver = Endpoint("10.0.0.2", 53)

    static let names = [
        "github.com", "api.github.com", "www.google.com", "fonts.gstatic.com", "s3.amazonaws.com",
        "registry.npmjs.org", "pypi.org", "files.pythonhosted.org", "slack.com", "zoom.us",
        "login.microsoftonline.com", "cdn.jsdelivr.net", "api.stripe.com", "sentry.io", "ocsp.digicert.com",
    ]

    func makeFlow(start: NetworkTime, random: inout SplitMix64) -> FlowFrames {
        let roll = random.unit()
        switch roll {
        case ..<0.55: return FlowFrames(dns(start: start, random: &random))
        case ..<0.585: return FlowFrames(udp(start: start, random: &random))
        case ..<0.60: return FlowFrames(icmp(start: start, random: &random))
        case ..<0.70: return FlowFrames(http(start: start, random: &random))
        case ..<0.86: return FlowFrames(tls(start: start, random: &random))
        case ..<0.998: return FlowFrames(genericTCP(start: start, random: &random))
        default: return FlowFrames(bulk(start: start, random: &random))
        }
    }

    // MARK: Hosts

    func internalHost(_ random: inout SplitMix64) -> IPAddress {
        .v4(0x0A01_0000 | UInt32(random.int(1...4_000)))
    }

    func externalHost(_ random: inout SplitMix64) -> IPAddress {
        if random.chance(0.05) {
            return .v6(0x2001_0db8_0000_0000 | UInt64(random.int(1...500)), UInt64(random.int(1...60_000)))
        }
        return .v4(UInt32(random.int(0x2200_0000...0xC000_0000)))
    }

    func clientFor(_ server: IPAddress, _ random: inout SplitMix64) -> IPAddress {
        if server.isIPv4 { return internalHost(&random) }
        return .v6(0xfd00_0000_0000_0001, UInt64(random.int(1...4_000)))
    }

    func ephemeralPort(_ random: inout SplitMix64) -> UInt16 { UInt16(random.int(32_768...60_999)) }

    func builder(_ random: inout SplitMix64) -> PacketBuilder {
        var builder = PacketBuilder(
            sourceMAC: MACAddress(0x0242_ac11_0000 | UInt64(random.int(2...250))),
            destinationMAC: MACAddress(0x0242_ac11_0001)
        )
        builder.ipIdentification = UInt16(random.int(0...65_535))
        return builder
    }

    func scaled(_ value: Int) -> Int { max(Int(Double(value) * scale), 1) }

    func micros(_ value: Int) -> NetworkDuration { NetworkDuration(microseconds: Int64(value)) }

    func conversation(client: Endpoint, server: Endpoint, start: NetworkTime, random: inout SplitMix64) -> TCPConversation {
        TCPConversation(
            client: client, server: server, start: start,
            clientISN: UInt32(truncatingIfNeeded: random.next()), serverISN: UInt32(truncatingIfNeeded: random.next()),
            roundTrip: micros(random.int(500...80_000)), builder: builder(&random)
        )
    }

    // MARK: Kinds

    func dns(start: NetworkTime, random: inout SplitMix64) -> [TimedFrame] {
        var packetBuilder = builder(&random)
        let client = Endpoint(internalHost(&random), ephemeralPort(&random))
        var name = Self.names[random.int(0...(Self.names.count - 1))]
        if random.chance(0.3) { name = "h\(random.int(1...99_999)).\(name)" }
        let id = UInt16(random.int(0...65_535))
        let type = random.chance(0.7) ? DNSMessageBuilder.typeA : DNSMessageBuilder.typeAAAA
        var answers: [DNSAnswer] = []
        var owner = name
        if random.chance(0.3) {
            let target = "edge\(random.int(1...40)).cdn.example.net"
            answers.append(DNSAnswer(name: name, data: .cname(target), ttl: UInt32(random.int(30...3_600))))
            owner = target
        }
        let rcode: UInt8 = random.chance(0.05) ? 3 : 0
        if rcode == 0 {
            for _ in 0..<random.int(1...4) {
                let data: DNSAnswer.RecordData = type == DNSMessageBuilder.typeA
                    ? .a(.v4(UInt32(random.int(0x2200_0000...0xC000_0000))))
                    : .aaaa(.v6(0x2001_0db8_0000_0000 | UInt64(random.int(1...500)), UInt64(random.int(1...60_000))))
                answers.append(DNSAnswer(name: owner, data: data, ttl: UInt32(random.int(20...300))))
            }
        } else {
            answers = []
        }
        var reply = packetBuilder
        reply.sourceMAC = packetBuilder.destinationMAC
        reply.destinationMAC = packetBuilder.sourceMAC
        let query = packetBuilder.udp(from: client, to: resolver, payload: DNSMessageBuilder.query(id: id, name: name, type: type))
        let response = reply.udp(
            from: resolver, to: client,
            payload: DNSMessageBuilder.response(id: id, name: name, type: type, answers: answers, rcode: rcode)
        )
        var frames = [TimedFrame(time: start, bytes: query)]
        if random.chance(0.97) {
            frames.append(TimedFrame(time: start + micros(random.int(300...40_000)), bytes: response))
        }
        return frames
    }

    func udp(start: NetworkTime, random: inout SplitMix64) -> [TimedFrame] {
        var packetBuilder = builder(&random)
        let serverAddress = externalHost(&random)
        let client = Endpoint(clientFor(serverAddress, &random), ephemeralPort(&random))
        let ntp = random.chance(0.3)
        let server = Endpoint(serverAddress, ntp ? 123 : [443, 4500, 3478, 51_820][random.int(0...3)])
        let count = ntp ? 2 : scaled(random.int(4...24))
        var frames: [TimedFrame] = []
        var time = start
        for index in 0..<count {
            let outbound = index % 2 == 0 || random.chance(0.2)
            let size = ntp ? 48 : random.int(60...1_250)
            var payload = random.bytes(size)
            if ntp { payload[0] = outbound ? 0x23 : 0x24 }  // NTPv4 client / server mode
            let bytes = outbound
                ? packetBuilder.udp(from: client, to: server, payload: payload)
                : packetBuilder.udp(from: server, to: client, payload: payload)
            frames.append(TimedFrame(time: time, bytes: bytes))
            time = time + micros(random.int(200...200_000))
        }
        return frames
    }

    func icmp(start: NetworkTime, random: inout SplitMix64) -> [TimedFrame] {
        var packetBuilder = builder(&random)
        let target = externalHost(&random)
        let source = clientFor(target, &random)
        let identifier = UInt16(random.int(1...65_535))
        var frames: [TimedFrame] = []
        var time = start
        for sequence in 1...UInt16(random.int(1...4)) {
            let payload = random.bytes(56)
            frames.append(TimedFrame(time: time, bytes: packetBuilder.icmpEchoRequest(
                from: source, to: target, identifier: identifier, sequence: sequence, payload: payload)))
            if random.chance(0.9) {
                frames.append(TimedFrame(time: time + micros(random.int(1_000...90_000)), bytes: packetBuilder.icmpEchoReply(
                    from: target, to: source, identifier: identifier, sequence: sequence, payload: payload)))
            }
            time = time + micros(1_000_000)
        }
        return frames
    }

    func http(start: NetworkTime, random: inout SplitMix64) -> [TimedFrame] {
        let serverAddress = externalHost(&random)
        let server = Endpoint(serverAddress, random.chance(0.8) ? 80 : 8080)
        let client = Endpoint(clientFor(serverAddress, &random), ephemeralPort(&random))
        var tcp = conversation(client: client, server: server, start: start, random: &random)
        tcp.handshake()
        let paths = ["/", "/index.html", "/api/v1/items", "/static/app.js", "/images/logo.png", "/health"]
        for _ in 0..<(random.chance(0.8) ? 1 : 2) {
            let uri = paths[random.int(0...(paths.count - 1))] + (random.chance(0.3) ? "?id=\(random.int(1...9_999))" : "")
            tcp.send(HTTPPayload.request(uri: uri, host: "www.example\(random.int(1...300)).com", headers: [
                ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"),
                ("Accept", "*/*"), ("Accept-Encoding", "gzip, deflate"), ("Connection", "keep-alive"),
            ]), from: .client, acknowledge: false)
            tcp.advance(by: micros(random.int(1_000...50_000)))
            let body = random.bytes(scaled(random.int(200...18_000)))
            tcp.send(HTTPPayload.response(headers: [
                ("Server", "nginx/1.24.0"), ("Content-Type", "text/html; charset=utf-8"),
            ], body: body), from: .server)
            tcp.advance(by: micros(random.int(10_000...2_000_000)))
        }
        finish(&tcp, random: &random)
        return tcp.takeFrames()
    }

    func tls(start: NetworkTime, random: inout SplitMix64) -> [TimedFrame] {
        let serverAddress = externalHost(&random)
        let client = Endpoint(clientFor(serverAddress, &random), ephemeralPort(&random))
        var tcp = conversation(client: client, server: Endpoint(serverAddress, 443), start: start, random: &random)
        tcp.handshake()
        let name = Self.names[random.int(0...(Self.names.count - 1))]
        tcp.send(TLSPayload.clientHello(serverName: name, random: random.bytes(32), sessionID: random.bytes(32)), from: .client, acknowledge: false)
        let tls13 = random.chance(0.7)
        var flight = TLSPayload.serverHello(random: random.bytes(32), cipherSuite: tls13 ? 0x1301 : 0xc02f, tls13: tls13)
        flight += TLSPayload.changeCipherSpec
        flight += TLSPayload.opaqueRecord(length: random.int(1_800...3_800), seed: UInt8(random.int(0...255)))
        tcp.send(flight, from: .server)
        tcp.send(TLSPayload.changeCipherSpec + TLSPayload.opaqueRecord(length: 53), from: .client, acknowledge: false)
        for _ in 0..<random.int(1...2) {
            tcp.advance(by: micros(random.int(5_000...800_000)))
            tcp.send(TLSPayload.opaqueRecord(length: random.int(80...700), seed: 1), from: .client, acknowledge: false)
            var response: [UInt8] = []
            var remaining = scaled(random.int(100...16_000))
            while remaining > 0 {
                let chunk = min(remaining, 16_384)
                response += TLSPayload.opaqueRecord(length: chunk, seed: UInt8(truncatingIfNeeded: remaining))
                remaining -= chunk
            }
            tcp.send(response, from: .server)
        }
        finish(&tcp, random: &random)
        return tcp.takeFrames()
    }

    func genericTCP(start: NetworkTime, random: inout SplitMix64) -> [TimedFrame] {
        let isInternal = random.chance(0.5)
        let serverAddress = isInternal ? internalHost(&random) : externalHost(&random)
        let ports: [UInt16] = [22, 25, 3306, 5432, 6379, 8443, 9092, 27_017]
        let server = Endpoint(serverAddress, ports[random.int(0...(ports.count - 1))])
        let client = Endpoint(clientFor(serverAddress, &random), ephemeralPort(&random))
        var tcp = conversation(client: client, server: server, start: start, random: &random)
        if random.chance(0.15) {
            // Rejected or unanswered connection attempt.
            tcp.segment(from: .client, flags: [.syn], consumes: 1, acknowledging: false)
            if random.chance(0.7) {
                tcp.advance(by: tcp.halfRoundTrip)
                tcp.segment(from: .server, flags: [.rst, .ack])
            }
            return tcp.takeFrames()
        }
        tcp.handshake()
        for _ in 0..<scaled(random.int(1...3)) {
            tcp.send(random.bytes(random.int(20...400)), from: .client, acknowledge: false)
            tcp.send(random.bytes(random.int(20...2_500)), from: .server)
            tcp.advance(by: micros(random.int(1_000...3_000_000)))
        }
        finish(&tcp, random: &random)
        return tcp.takeFrames()
    }

    /// A long bulk transfer (backups, image pulls): hundreds to thousands of full-size segments.
    func bulk(start: NetworkTime, random: inout SplitMix64) -> [TimedFrame] {
        let serverAddress = externalHost(&random)
        let client = Endpoint(clientFor(serverAddress, &random), ephemeralPort(&random))
        var tcp = conversation(client: client, server: Endpoint(serverAddress, 443), start: start, random: &random)
        tcp.handshake()
        tcp.send(TLSPayload.clientHello(serverName: "registry-1.docker.io", random: random.bytes(32)), from: .client)
        tcp.send(TLSPayload.serverHello(random: random.bytes(32)) + TLSPayload.opaqueRecord(length: 2_900), from: .server)
        let chunks = scaled(random.int(40...200))
        let pause = micros(random.int(50_000...400_000))
        for index in 0..<chunks {
            tcp.send(TLSPayload.opaqueRecord(length: 5_000, seed: UInt8(truncatingIfNeeded: index)), from: .server)
            tcp.advance(by: pause)
        }
        finish(&tcp, random: &random)
        return tcp.takeFrames()
    }

    /// Most connections close with FIN from either side; some are reset.
    func finish(_ tcp: inout TCPConversation, random: inout SplitMix64) {
        if random.chance(0.08) {
            tcp.reset(from: random.chance(0.5) ? .client : .server)
        } else if random.chance(0.03) {
            return  // still open when the capture ends
        } else {
            tcp.close(from: random.chance(0.6) ? .client : .server)
        }
    }
}

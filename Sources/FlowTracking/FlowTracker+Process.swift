import FleetModel
import PacketLayers

extension FlowTracker {
    /// Applies one packet to its connection, in place (the connection stays in the table).
    static func process(
        _ connection: Connection, packet: DecodedPacket, bytes: UnsafeRawBufferPointer, sourcePort: UInt16,
        plan: AnalyzerPlan, pool: inout AnalyzerPool, output: inout RecordBatch, counters: inout FlowCounters,
        weirds weirdNames: inout [String]
    ) {
        var isOrig = connection.isFromOriginator(host: packet.source, port: sourcePort)

        if !packet.checksumValid {
            counters.badChecksums &+= 1
            let bump = isOrig ? connection.checksumErrorsOriginator.bump() : connection.checksumErrorsResponder.bump()
            if bump { connection.history.add(UInt8(ascii: "C"), originator: isOrig) }
            let name: String
            switch connection.transport {
            case .tcp: name = "bad_TCP_checksum"
            case .udp: name = "bad_UDP_checksum"
            default: name = "bad_ICMP_checksum"
            }
            output.weirds.append(WeirdRecord(ts: packet.timestamp, uid: connection.uid, id: connection.id, name: name, source: nil))
            return
        }

        if isOrig {
            connection.originatorPackets &+= 1
            connection.originatorIPBytes &+= UInt64(packet.ipLength)
        } else {
            connection.responderPackets &+= 1
            connection.responderIPBytes &+= UInt64(packet.ipLength)
        }
        let captured = UnsafeRawBufferPointer(rebasing: bytes[packet.payload.clamped(to: 0..<bytes.count)])

        switch connection.transport {
        case .tcp:
            guard let segment = packet.tcp else { return }
            let facts = connection.tcp.deadlineFacts()
            // Zeek stops moving a TCP connection's last time once both sides have closed.
            if !(facts.originatorClosed && facts.responderClosed) { connection.lastTime = packet.timestamp }
            let time = packet.timestamp
            // History, analyzers and services are reached in place in the connection (a class):
            // nothing is moved out and back per segment.
            let outcome = connection.tcp.process(
                originatorSide: isOrig, segment: segment, payload: captured, length: packet.payloadLength,
                history: &connection.history,
                deliver: { fromOriginator, data in
                    connection.deliver(
                        data, fromOriginator: fromOriginator, at: time, plan: plan, pool: &pool, output: &output)
                },
                gap: { fromOriginator, length in
                    connection.gap(
                        length: length, fromOriginator: fromOriginator, at: time, plan: plan, pool: &pool, output: &output)
                },
                endOfStream: { fromOriginator in
                    connection.endOfStream(fromOriginator: fromOriginator, at: time, output: &output)
                },
                weird: { name in weirdNames.append(name) }
            )
            connection.tcp.reassembling = connection.hasAnalyzers
            connection.missedBytes &+= outcome.missedBytes
            if outcome.flipRoles {
                connection.flipRoles()
                isOrig.toggle()
            }
            if !weirdNames.isEmpty {
                for name in weirdNames where Self.loggedTCPWeirds.contains(name) {
                    output.weirds.append(WeirdRecord(ts: time, uid: connection.uid, id: connection.id, name: name, source: "TCP"))
                }
                weirdNames.removeAll(keepingCapacity: true)
            }
        case .udp:
            connection.history.check(.data, UInt8(ascii: "D"), originator: isOrig)
            if isOrig {
                connection.originatorActive = true
                connection.originatorPayloadBytes &+= UInt64(packet.payloadLength)
            } else {
                connection.responderActive = true
                connection.responderPayloadBytes &+= UInt64(packet.payloadLength)
            }
            if !connection.firstDatagramSeen {
                connection.firstDatagramSeen = true
                if isOrig && Self.shouldFlipForDNSResponse(connection, payload: captured, plan: plan) {
                    connection.flipRoles()
                    isOrig = false
                }
            }
            if connection.hasAnalyzers {
                connection.deliver(
                    captured, fromOriginator: isOrig, at: packet.timestamp, plan: plan, pool: &pool, output: &output)
            }
        case .icmp:
            let icmpPayload = UInt64(max(0, packet.payloadLength))
            if isOrig {
                connection.originatorActive = true
                connection.originatorPayloadBytes &+= icmpPayload
            } else {
                connection.responderActive = true
                connection.responderPayloadBytes &+= icmpPayload
            }
        case .unknown:
            break
        }
        if connection.transport != .tcp { connection.lastTime = packet.timestamp }
    }

    /// Weirds from the TCP state machine that go to weird.log (the rest are too common to be useful).
    static let loggedTCPWeirds: Set<String> = [
        "truncated_tcp_payload", "SYN_seq_jump", "data_after_reset", "spontaneous_FIN", "spontaneous_RST",
        "TCP_seq_underflow_or_misorder", "TCP_ack_underflow_or_misorder", "possible_split_routing",
        "data_before_established", "simultaneous_open", "inappropriate_FIN", "SYN_after_close",
        "SYN_after_reset", "FIN_after_reset", "connection_originator_SYN_ack", "unsolicited_SYN_response",
    ]

    /// Zeek's DNS analyzer flips a connection whose first message from the
    /// originator is a response (unless the responder is multicast).
    private static func shouldFlipForDNSResponse(
        _ connection: Connection, payload: UnsafeRawBufferPointer, plan: AnalyzerPlan
    ) -> Bool {
        guard payload.count >= 12 else { return false }
        guard connection.analyzers.contains(where: { $0.service == "dns" })
                || plan.containsDNS(connection.deferredAnalyzers) else { return false }
        let isResponse = payload[2] & 0x80 != 0
        return isResponse && !Self.isMulticast(connection.responderHost)
    }

    static func isMulticast(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let value): return value >> 28 == 0xE
        case .v6(let high, _): return high >> 56 == 0xFF
        }
    }
}

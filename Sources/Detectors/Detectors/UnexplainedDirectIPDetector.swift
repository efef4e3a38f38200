public import FleetModel

/// Flags outbound connections to external addresses that no DNS answer, TLS SNI or HTTP Host explains:
/// software that connects to a hard-coded IP (reverse shells, implants, miners).
///
/// - Inputs: conn records (interim and final) of the agent; ``DNSAnswerIndex`` (fleet-wide, TTL + grace).
/// - Ignored: responders that are not `external` in the ``NoiseModel``; allowlisted addresses; agents in warm-up.
/// - Score: 0.45 base, + 0.15 non-standard port, + 0.15 no identified service, + 0.1 data in both directions;
///   an attempt that never established (S0, REJ, no responder packets) scores 0.3, and so does ICMP (its
///   "ports" are type and code, as in Zeek's conn.log, and it has no service: a ping is not a shell).
/// - Severity: ≥ 0.75 high, ≥ 0.5 medium, else low.
/// - Key: agent + responder address, so repeated connections update one finding.
public struct UnexplainedDirectIPDetector: Detector {
    public static let name = "unexplained-direct-ip"

    public struct Configuration: Sendable, Hashable {
        public init() {}
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public mutating func ingest(_ batch: RecordBatch, context: DetectionContext) -> [Finding] {
        batch.conns.compactMap { conn in context.isWarmingUp(at: conn.ts) ? nil : evaluate(conn, context: context) }
    }

    func evaluate(_ conn: ConnRecord, context: DetectionContext) -> Finding? {
        guard context.isOutboundToExternal(conn.id), !context.explains(conn.id.responderHost, at: conn.ts),
            !context.noise.isAllowlisted(conn.id.responderHost, agent: context.agentID)
        else { return nil }
        let established = conn.responderPackets > 0 && conn.connState != .REJ && conn.connState != .S0
        var score = 0.3
        let icmp = conn.proto == .icmp
        if established && !icmp {
            score = 0.45
            if !WellKnownPorts.isStandard(conn.id.responderPort) { score += 0.15 }
            if conn.service.isEmpty { score += 0.15 }
            if (conn.originatorBytes ?? 0) > 0 && (conn.responderBytes ?? 0) > 0 { score += 0.1 }
        }
        let destination = conn.id.responderHost
        return Finding(
            detector: Self.name, key: context.agentID + "/" + destination.description,
            severity: severity(for: score), score: score, agentID: context.agentID, host: conn.id.originatorHost,
            flows: [.init(conn.id, conn.proto)], uids: [conn.uid], firstSeen: conn.ts,
            lastSeen: conn.ts + (conn.duration ?? .zero),
            indicators: .init(addresses: [destination]),
            evidence: (icmp
                ? [.init("icmp_type", String(conn.id.originatorPort)), .init("icmp_code", String(conn.id.responderPort))]
                : [.init("responder_port", String(conn.id.responderPort))]) + [
                .init("service", conn.service.isEmpty ? "-" : conn.service.joined(separator: ",")),
                .init("conn_state", conn.connState.rawValue),
                .init("known_names", context.knownNames(for: destination).joined(separator: ",")),
            ],
            summary: (icmp
                ? "\(conn.id.originatorHost) sent ICMP type \(conn.id.originatorPort) to \(destination) "
                : "\(conn.id.originatorHost) connected to \(destination):\(conn.id.responderPort) ")
                + "without any DNS answer, SNI or Host naming it")
    }
}

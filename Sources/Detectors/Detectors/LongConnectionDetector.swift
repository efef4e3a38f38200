public import FleetModel

/// Flags connections that stay open a long time, live from interim records of still-open flows.
///
/// - Inputs: conn records (interim and final); duration = `record.duration`.
/// - Threshold: `duration >= minimumDuration` (default 10 min).
/// - Score: 0.3 base, + 0.25 outbound to an external address, + 0.15 no identified service,
///   + 0.15 destination not explained by DNS/SNI/Host, + 0.1 non-standard port, + 0.05 per extra hour (max 0.1).
///   Without an external party the finding is at most `low`; between benign addresses (cloud services,
///   link-local, intra-VPC, fleet members, allowlisted CIDR/domain/SNI) it is `info`;
///   SSH (service `ssh` or port 22) from a known (non-external or allowlisted) address is capped at `low`.
/// - Severity: score ≥ 0.75 high, ≥ 0.5 medium, ≥ 0.25 low (never critical on its own).
/// - Key: the connection uid, so each interim update refreshes one finding.
public struct LongConnectionDetector: Detector {
    public static let name = "long-connection"

    /// Tunables with documented defaults.
    public struct Configuration: Sendable, Hashable {
        public var minimumDuration: NetworkDuration = .seconds(600)
        public init() {}
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public mutating func ingest(_ batch: RecordBatch, context: DetectionContext) -> [Finding] {
        batch.conns.compactMap { evaluate($0, context: context) }
    }

    func evaluate(_ conn: ConnRecord, context: DetectionContext) -> Finding? {
        guard let duration = conn.duration, duration >= configuration.minimumDuration else { return nil }
        let responderClass = context.classify(conn.id.responderHost)
        let originatorClass = context.classify(conn.id.originatorHost)
        let outbound = responderClass == .external && originatorClass != .external
        let noService = conn.service.isEmpty
        let explained = context.explains(conn.id.responderHost, at: conn.ts)
        let standardPort = WellKnownPorts.isStandard(conn.id.responderPort)
        let hours = duration.seconds / 3600
        var score = 0.3
        if outbound { score += 0.25 }
        if noService { score += 0.15 }
        if !explained && responderClass == .external { score += 0.15 }
        if !standardPort { score += 0.1 }
        score += min(0.1, 0.05 * max(0, hours - 1).rounded(.down))
        var level = severity(for: score)
        let isSSH = conn.service.contains("ssh") || conn.id.responderPort == 22
        var reason = ""
        if responderClass != .external && originatorClass != .external {
            // No internet party (intra-VPC, cross-VPC, cloud services): context, not an alarm.
            level = min(level, .low)
            score = min(score, 0.45)
        }
        if (responderClass.isBenign && originatorClass.isBenign)
            || context.isAllowlisted(destination: conn.id.responderHost, at: conn.ts)
        {
            level = .info
            score = min(score, 0.2)
            reason = " (expected destination)"
        }
        if isSSH,
            originatorClass != .external || context.noise.isAllowlisted(conn.id.originatorHost, agent: context.agentID)
        {
            level = min(level, .low)
            score = min(score, 0.4)
            reason = " (SSH from known address)"
        }
        let minutes = Int(duration.seconds / 60)
        return Finding(
            detector: Self.name, key: context.agentID + "/" + conn.uid, severity: level, score: score,
            agentID: context.agentID, host: outbound ? conn.id.originatorHost : conn.id.responderHost,
            flows: [.init(conn.id, conn.proto)], uids: [conn.uid], firstSeen: conn.ts, lastSeen: conn.ts + duration,
            indicators: .init(addresses: outbound ? [conn.id.responderHost] : []),
            evidence: [
                .init("duration_s", String(Int(duration.seconds))),
                .init("service", conn.service.isEmpty ? "-" : conn.service.joined(separator: ",")),
                .init("still_open", conn.interim ? "true" : "false"),
                .init("dns_explained", explained ? "true" : "false"),
                .init("orig_bytes", conn.originatorBytes.map { String($0) } ?? "-"),
                .init("resp_bytes", conn.responderBytes.map { String($0) } ?? "-"),
            ],
            summary:
                "Connection \(conn.flowText) open for \(minutes) min\(conn.interim ? " and still open" : "")\(reason)")
    }
}

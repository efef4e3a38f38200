public import FleetModel

/// Notes the first time an agent talks to an external destination, with fleet prevalence.
///
/// - Inputs: outbound conn records to `external` addresses (``NoiseModel``); ``DestinationPrevalence``.
/// - Not reported during warm-up (the baseline is being learnt) or for allowlisted destinations, but still learnt.
/// - Score: 0.1 base, + 0.15 when no DNS/SNI/Host explains it, + 0.1 when no other agent in a fleet of
///   ≥ 2 agents has contacted it (prevalence 0 before this agent). Severity: ≥ 0.25 low, else info.
/// - Memory: bounded by ``DestinationPrevalence/capacity``.
/// - Key: agent + destination.
public struct FirstSeenDestinationDetector: Detector {
    public static let name = "first-seen-destination"

    public struct Configuration: Sendable, Hashable {
        public init() {}
    }

    public var configuration: Configuration
    /// Learnt destinations: how many agents contacted each, and how many agents exist.
    public private(set) var prevalence = DestinationPrevalence()

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public mutating func ingest(_ batch: RecordBatch, context: DetectionContext) -> [Finding] {
        prevalence.register(agent: context.agentID)
        var findings: [Finding] = []
        for conn in batch.conns where context.isOutboundToExternal(conn.id) {
            let destination = conn.id.responderHost
            let othersBefore = prevalence.count(destination)
            guard prevalence.record(agent: context.agentID, destination: destination),
                !context.isWarmingUp(at: conn.ts),
                !context.isAllowlisted(destination: destination, at: conn.ts)
            else { continue }
            let explanation = context.nameExplanation(for: destination, at: conn.ts)
            var score = 0.1
            if explanation == nil { score += 0.15 }
            if othersBefore == 0 && prevalence.agentCount >= 2 { score += 0.1 }
            findings.append(
                Finding(
                    detector: Self.name, key: context.agentID + "/" + destination.description,
                    severity: severity(for: score), score: score, agentID: context.agentID,
                    host: conn.id.originatorHost,
                    flows: [.init(conn.id, conn.proto)], uids: [conn.uid], firstSeen: conn.ts, lastSeen: conn.ts,
                    indicators: .init(addresses: [destination], domains: explanation.map { [$0.name] } ?? []),
                    evidence: [
                        .init("fleet_prevalence", "\(othersBefore)/\(prevalence.agentCount)"),
                        .init("name", explanation?.name ?? "-"),
                    ],
                    summary: "First connection from this agent to \(destination)"
                        + (explanation.map { " (\($0.name))" } ?? "")
                        + "; \(othersBefore) other agent(s) had contacted it"))
        }
        return findings
    }
}

import Detectors
public import FleetModel
public import Storage

extension DetectionService {
    /// What ``restore(from:)`` reloaded.
    public struct RestoreSummary: Sendable, Hashable {
        /// Agents taken from the registry (their networks, addresses and first-seen times).
        public var agents = 0
        /// DNS records whose answers are still within TTL + grace.
        public var dnsRecords = 0
        /// SSL (SNI) and HTTP (Host) records still within the index's name TTL + grace.
        public var nameRecords = 0
    }

    /// Rebuilds the fleet context and the name index after a restart, from the registry and the stored records.
    ///
    /// - Agents: VPC CIDRs and addresses go into the noise model; the registry's first-seen time keeps an agent
    ///   that was already warm from warming up again.
    /// - Names: DNS records from the last ``DetectionServiceConfiguration/restoreLookback`` whose
    ///   `ts + max TTL + grace` is not yet past `now`, and SSL/HTTP records within the SNI/Host name TTL + grace.
    /// - Parameter reference: the time names must still be valid at (default: now); a detection-lease holder
    ///   passes the packet time of the first batch it will evaluate, so a replayed capture's names are kept.
    /// Call before ``run()``. Findings need no reload: they stay in the finding store, and new observations merge
    /// into them there.
    /// - Throws: the store's error (nothing is half-applied to the engine's findings; names read so far stay).
    @discardableResult
    public func restore(from store: any FlowStore, at reference: NetworkTime? = nil) async throws -> RestoreSummary {
        var summary = RestoreSummary()
        summary.agents = learnAgents(try await store.agents())

        let current = reference ?? now()
        let grace = engineConfiguration.dnsGrace
        let lookback = restoreLookback
        let dns = try await store.dns(
            RecordQuery(since: current + NetworkDuration(microseconds: -lookback.microseconds), limit: RecordQuery.maximumLimit))
        var byAgent: [AgentID: RecordBatch] = [:]
        for stored in dns {
            let ttl = NetworkDuration.seconds(Int64(stored.record.ttls.max() ?? 0))
            guard stored.record.ts + ttl + grace >= current else { continue }
            byAgent[stored.agent, default: RecordBatch()].dns.append(stored.record)
            summary.dnsRecords += 1
        }
        // SNI and Host names live for the index's observed-name TTL.
        let nameLife = Int64(engineNameTTL) * 1_000_000 + grace.microseconds
        let since = current + NetworkDuration(microseconds: -nameLife)
        for stored in try await store.ssl(RecordQuery(since: since, limit: RecordQuery.maximumLimit))
        where stored.record.serverName != nil {
            byAgent[stored.agent, default: RecordBatch()].ssl.append(stored.record)
            summary.nameRecords += 1
        }
        for stored in try await store.http(RecordQuery(since: since, limit: RecordQuery.maximumLimit))
        where stored.record.host != nil {
            byAgent[stored.agent, default: RecordBatch()].http.append(stored.record)
            summary.nameRecords += 1
        }
        for (agent, records) in byAgent.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            learnNames(records, agent: agent.rawValue)
        }
        return summary
    }

    /// Takes agents from the registry (networks, addresses, first-seen times) into the noise model.
    /// - Returns: how many.
    @discardableResult
    public func learnAgents(_ agents: [AgentInfo]) -> Int {
        for agent in agents { learn(agent.id.rawValue, agent.addresses, agent.vpcCIDRs, agent.firstSeen) }
        if !agents.isEmpty { rebuildNoise() }
        return agents.count
    }
}

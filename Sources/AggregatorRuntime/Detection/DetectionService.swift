public import Detectors
public import FleetModel
public import Logging
public import Storage
import Synchronization

/// Settings of a ``DetectionService``.
public struct DetectionServiceConfiguration: Sendable {
    /// Detector and noise-model settings (the noise model itself is rebuilt from ``noise`` and the fleet).
    public var engine = DetectionEngine.Configuration()
    /// The operator's noise settings (`--noise FILE`).
    public var noise = NoiseConfiguration()
    /// Committed batches waiting for the detectors; when full, further batches are dropped and counted
    /// (ingest never waits for detection).
    public var queueCapacity = 256
    /// How often time is advanced without records and pending findings are retried.
    public var tickInterval: Duration = .seconds(1)
    /// How far back ``DetectionService/restore(from:)`` reads stored DNS records (longer TTLs are cut here).
    public var restoreLookback: NetworkDuration = .seconds(86_400)

    /// Defaults: the engine's live defaults (5 min warm-up), 256 queued batches, 1 s ticks.
    public init() {}
}

/// Runs the detectors in the aggregator, continuously and fleet-wide: one ``DetectionEngine`` fed with every
/// batch the store committed, and the changed findings written to a ``FindingStore``.
///
/// - Input: an ``IngestObserver``. ``batchStored(_:)`` puts the batch in a bounded queue and returns at once;
///   a full queue drops the batch (counted in ``counters`` and logged) instead of slowing ingest. Batches are
///   evaluated in queue order, so per agent in commit order.
/// - Fleet context: every ``agentRegistered(_:)`` updates the agent's VPC CIDRs and addresses in the noise
///   model (applied before the next batch is judged), merged with the operator's ``NoiseConfiguration``
///   (``reloadNoise(_:)`` swaps it, e.g. on SIGHUP).
/// - Time: records carry packet time, which drives the engine. On each tick the engine is advanced by the wall
///   time that passed since the last batch (from the injected `now`), so state ages while agents are quiet
///   without a replayed capture's old timestamps being aged against today's date.
/// - Output: findings changed by a batch or tick are coalesced per id and upserted (merged) in one call; a
///   failed write is retried on the next tick. One write at a time, so a newer version never loses to an older.
/// - Restart: ``restore(from:)`` reloads agents and the names (DNS answers, SNI, Host) still within their
///   TTL + grace, so an answer seen before the restart still explains a connection after it.
///
/// Lifecycle: call ``restore(from:)`` (optional), then ``run()`` in a task; ``finish()`` (or cancelling the task)
/// ends it after the queued batches are evaluated and their findings written.
public actor DetectionService: IngestObserver {
    /// Counters, readable while the service runs.
    public nonisolated let counters = DetectionCounters()

    private nonisolated let queue: AsyncStream<IngestBatch>.Continuation
    private let batches: AsyncStream<IngestBatch>
    private nonisolated let registrations = Mutex<[AgentRegistration]>([])
    private let findingStore: any FindingStore
    private let configuration: DetectionServiceConfiguration
    let now: @Sendable () -> NetworkTime
    let logger: Logger

    private var engine: DetectionEngine
    private var noise: NoiseConfiguration
    private var fleet: [String: FleetHost] = [:]
    /// Each known agent's first-seen time (kept across ``reset()``).
    private var firstSeen: [String: NetworkTime] = [:]
    /// Latest version of each changed finding not yet written.
    private var unwritten: [String: Finding] = [:]
    private var writing = false
    /// Engine time and wall time when the last batch was evaluated (the base for idle advancing).
    private var lastBatch: (engine: NetworkTime, wall: NetworkTime)?

    /// Creates the service.
    /// - Parameters:
    ///   - findings: where findings are upserted.
    ///   - now: the wall clock as network time (injected; tests pass a manual clock).
    public init(
        configuration: DetectionServiceConfiguration = DetectionServiceConfiguration(), findings: any FindingStore,
        now: @escaping @Sendable () -> NetworkTime, logger: Logger
    ) {
        self.configuration = configuration
        self.findingStore = findings
        self.now = now
        self.logger = logger
        noise = configuration.noise
        var engineConfiguration = configuration.engine
        engineConfiguration.noise = configuration.noise.model(fleet: [])
        engine = DetectionEngine(configuration: engineConfiguration)
        (batches, queue) = AsyncStream.makeStream(
            of: IngestBatch.self, bufferingPolicy: .bufferingOldest(max(1, configuration.queueCapacity)))
    }

    // MARK: IngestObserver (called on ingest tasks; never waits)

    public nonisolated func agentRegistered(_ registration: AgentRegistration) {
        registrations.withLock { $0.append(registration) }
    }

    public nonisolated func batchStored(_ batch: IngestBatch) {
        switch queue.yield(batch) {
        case .enqueued:
            counters.batchesQueued.add(1, ordering: .relaxed)
        case .dropped:
            let dropped = counters.batchesDropped.add(1, ordering: .relaxed).newValue
            counters.recordsDropped.add(UInt64(batch.records.count), ordering: .relaxed)
            // Log the first drop and then every 100th, not every one.
            if dropped == 1 || dropped % 100 == 0 {
                logger.warning("detection queue full; committed batch not evaluated", metadata: [
                    "agent.id": "\(batch.agent.rawValue)", "batch.sequence": "\(batch.sequence)",
                    "detection.dropped_batches": "\(dropped)",
                ])
            }
        case .terminated:
            break
        @unknown default:
            break
        }
    }

    /// Ends ``run()`` once the batches already queued are evaluated and written. Later batches are ignored.
    public nonisolated func finish() {
        queue.finish()
    }

    // MARK: Running

    /// Evaluates queued batches and ticks every ``DetectionServiceConfiguration/tickInterval`` until
    /// ``finish()`` is called or the task is cancelled; then writes what is pending.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            let interval = configuration.tickInterval
            group.addTask {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: interval) } catch { return }
                    await self.tick()
                }
            }
            for await batch in batches {
                evaluate(batch)
                await writeFindings()
            }
            group.cancelAll()
        }
        await writeFindings()
        logger.info("detection stopped", metadata: ["detection.batches": "\(counters.snapshot.batchesEvaluated)"])
    }

    /// Runs one batch through the detectors now (``run()`` does this for queued batches; tests may call it).
    public func evaluate(_ batch: IngestBatch) {
        applyRegistrations()
        let changed = engine.ingest(batch.records, agent: batch.agent.rawValue)
        note(changed)
        // After `note`: a reader that sees this batch evaluated and nothing unwritten knows its findings are stored.
        counters.batchesEvaluated.add(1, ordering: .sequentiallyConsistent)
        lastBatch = (engine.now, now())
    }

    /// Runs `batch` through the detectors; with `report` false its changed findings are dropped, not written
    /// (a new detection-lease holder re-evaluates recent batches whose findings the previous holder wrote, to
    /// rebuild the detectors' state; later changes to those findings are written and merge into the stored ones).
    public func evaluate(_ batch: IngestBatch, report: Bool) {
        guard !report else { return evaluate(batch) }
        applyRegistrations()
        _ = engine.ingest(batch.records, agent: batch.agent.rawValue)
        counters.batchesEvaluated.add(1, ordering: .sequentiallyConsistent)
        lastBatch = (engine.now, now())
    }

    /// Starts over with empty detector state (names, windows, findings), keeping the noise settings and the
    /// known agents' networks; findings not yet written are dropped. A new detection-lease term calls it, then
    /// rebuilds the state from the store (``restore(from:at:)``) and the feed.
    public func reset() {
        var engineConfiguration = configuration.engine
        engineConfiguration.noise = noise.model(fleet: Array(fleet.values))
        engine = DetectionEngine(configuration: engineConfiguration)
        for host in fleet.values { engine.noteAgent(host.id, firstSeen: firstSeen[host.id] ?? .zero) }
        unwritten = [:]
        lastBatch = nil
        counters.findingsUnwritten.store(0, ordering: .sequentiallyConsistent)
    }

    /// Writes pending findings now.
    /// - Returns: whether every changed finding is written (false after a store failure, or while another write runs).
    public func flush() async -> Bool {
        await writeFindings()
        return unwritten.isEmpty && !writing
    }

    /// Advances time by the wall time since the last batch, then writes pending findings.
    public func tick() async {
        counters.ticks.add(1, ordering: .relaxed)
        applyRegistrations()
        if let lastBatch {
            let idle = now() - lastBatch.wall
            if idle > .zero { note(engine.advance(to: lastBatch.engine + idle)) }
        }
        await writeFindings()
    }

    /// Replaces the operator's noise settings (the fleet's reported networks are kept).
    public func reloadNoise(_ configuration: NoiseConfiguration) {
        noise = configuration
        engine.updateNoise(noise.model(fleet: Array(fleet.values)))
        logger.info("noise configuration applied", metadata: [
            "noise.endpoints": "\(configuration.endpoints.count)", "noise.networks": "\(configuration.networks.count)",
            "noise.allow_rules": "\(configuration.allowlist.count)",
        ])
    }

    /// The noise model currently in use (for tests and diagnostics).
    public var noiseModel: NoiseModel { engine.configuration.noise }

    /// Every finding the engine holds (most severe first).
    public var engineFindings: [Finding] { engine.findings }

    // MARK: Internals

    var engineConfiguration: DetectionEngine.Configuration { configuration.engine }
    var restoreLookback: NetworkDuration { configuration.restoreLookback }
    var engineNameTTL: UInt32 { engine.names.observedNameTTL }

    private func applyRegistrations() {
        let fresh = registrations.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        guard !fresh.isEmpty else { return }
        for registration in fresh { learn(registration.id.rawValue, registration.addresses, registration.vpcCIDRs, registration.seenAt) }
        engine.updateNoise(noise.model(fleet: Array(fleet.values)))
    }

    func learn(_ agent: String, _ addresses: [IPAddress], _ vpcCIDRs: [IPNetwork], _ firstSeen: NetworkTime) {
        fleet[agent] = FleetHost(id: agent, addresses: addresses, vpcCIDRs: vpcCIDRs)
        self.firstSeen[agent] = min(self.firstSeen[agent] ?? firstSeen, firstSeen)
        engine.noteAgent(agent, firstSeen: firstSeen)
    }

    func rebuildNoise() {
        engine.updateNoise(noise.model(fleet: Array(fleet.values)))
    }

    func learnNames(_ records: RecordBatch, agent: String) {
        engine.learnNames(records, agent: agent)
    }

    private func note(_ changed: [Finding]) {
        guard !changed.isEmpty else { return }
        counters.findingsChanged.add(UInt64(changed.count), ordering: .relaxed)
        for finding in changed { unwritten[finding.id] = finding }
        counters.findingsUnwritten.store(UInt64(unwritten.count), ordering: .sequentiallyConsistent)
    }

    /// Writes pending findings, one write at a time; on failure keeps them for the next tick.
    private func writeFindings() async {
        guard !writing else { return }
        writing = true
        defer { writing = false }
        while !unwritten.isEmpty {
            let batch = unwritten
            unwritten = [:]
            let findings = batch.values.sorted { $0.id < $1.id }
            do {
                try await findingStore.upsertFindings(findings)
                counters.findingsWritten.add(UInt64(findings.count), ordering: .relaxed)
                counters.findingsUnwritten.store(UInt64(unwritten.count), ordering: .sequentiallyConsistent)
            } catch {
                counters.storeFailures.add(1, ordering: .relaxed)
                logger.error("finding store write failed; retrying on the next tick", metadata: [
                    "findings.count": "\(findings.count)", "error": "\(error)",
                ])
                // Newer versions produced meanwhile win (the engine's findings are cumulative).
                for (id, finding) in batch where unwritten[id] == nil { unwritten[id] = finding }
                return
            }
        }
    }
}

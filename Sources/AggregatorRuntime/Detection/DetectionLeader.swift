public import FleetModel
public import Logging
public import Storage
import Synchronization

/// Settings of a ``DetectionLeader``.
public struct DetectionLeaderConfiguration: Sendable {
    /// How often the lease holder reads the feed when it was empty.
    public var pollInterval: Duration = .milliseconds(200)
    /// How often a standby tries to take the lease.
    public var standbyInterval: Duration = .seconds(1)
    /// Feed entries read per round.
    public var pageSize = 64
    /// How far back (by receive time) a new lease holder re-evaluates the feed, findings discarded, to rebuild
    /// the detectors' windows: the injection → callback window (10 min). Entries this recent are kept in the feed.
    public var rebuild: NetworkDuration = .seconds(600)
    /// How often the holder re-reads the agent registry (agents that registered at other aggregators).
    public var agentRefreshInterval: Duration = .seconds(10)

    /// Defaults: 200 ms polls, 1 s standby retries, 64 entries a round, 10 min rebuild, registry every 10 s.
    public init() {}
}

/// Fleet-wide detection when several aggregators share one store: the aggregator holding the store's
/// detection lease runs one ``DetectionService`` over the store's ``DetectionFeed`` (every committed batch of
/// every aggregator, in commit order); the others stand by and take over when it goes away.
///
/// - One holder at a time, so each finding is produced by one engine that sees the whole fleet: the DNS answer
///   an agent on one aggregator saw explains a connection that arrived through another, and an injection and
///   its callback chain into one finding whichever aggregator carried them.
/// - A term: reset the service; restore agents and names from the store (names valid at the packet time of the
///   first batch to evaluate); re-evaluate the feed's recent entries up to the stored cursor with their findings
///   discarded (the previous holder wrote them) to rebuild the detectors' windows; then evaluate new entries,
///   write their findings, and advance the cursor only after the writes, so a holder that dies re-runs at most the
///   batches whose findings it had not written (findings merge by id: a re-run does not duplicate them).
/// - Ticks advance idle time and retry failed writes, as in ``DetectionService/run()``.
public final class DetectionLeader: Sendable {
    /// The service's counters (``DetectionCounters/leader`` is 1 while this process holds the lease).
    public var counters: DetectionCounters { service.counters }

    private let feed: any DetectionFeed
    private let store: any FlowStore
    private let service: DetectionService
    private let configuration: DetectionLeaderConfiguration
    private let logger: Logger

    /// Creates the leader loop over `service` (which must not also be ``DetectionService/run()``-ing).
    public init(
        feed: any DetectionFeed, store: any FlowStore, service: DetectionService,
        configuration: DetectionLeaderConfiguration = DetectionLeaderConfiguration(), logger: Logger
    ) {
        self.feed = feed
        self.store = store
        self.service = service
        self.configuration = configuration
        self.logger = logger
    }

    /// Takes the lease when it is free and detects while holding it, until the task is cancelled.
    public func run() async {
        var standbyLogged = false
        while !Task.isCancelled {
            do {
                let held = try await feed.withDetectionLease { lease in try await lead(lease) }
                if !held {
                    if !standbyLogged {
                        logger.info("detection standby: another aggregator holds the detection lease")
                        standbyLogged = true
                    }
                    try await Task.sleep(for: configuration.standbyInterval)
                }
            } catch is CancellationError {
                break
            } catch {
                counters.leader.store(0, ordering: .relaxed)
                logger.error("detection lease lost or feed unreadable; retrying", metadata: ["error": "\(error)"])
                do { try await Task.sleep(for: configuration.standbyInterval) } catch { break }
            }
        }
        counters.leader.store(0, ordering: .relaxed)
        _ = await service.flush()
    }

    /// One term as the lease holder; returns only by throwing (cancellation or a lost lease).
    private func lead(_ lease: any DetectionFeedLease) async throws {
        counters.leader.store(1, ordering: .relaxed)
        counters.leaseTerms.add(1, ordering: .relaxed)
        defer { counters.leader.store(0, ordering: .relaxed) }
        await service.reset()

        var cursor = try await lease.cursor()
        let wall = service.now
        let keepSince = { wall() + NetworkDuration(microseconds: -self.configuration.rebuild.microseconds) }
        let rebuildFrom = try await lease.firstPosition(receivedSince: keepSince()).map { $0 - 1 } ?? cursor
        var position = min(rebuildFrom, cursor)
        var page = try await lease.entries(after: position, limit: configuration.pageSize)
        let reference = page.lazy.compactMap { $0.batch.flatMap { Self.earliest($0.records) } }.first
        let restored = try await service.restore(from: store, at: reference)
        var known = Set(try await store.agents().map(\.id))
        logger.info("detection lease taken: this aggregator runs fleet-wide detection", metadata: [
            "feed.cursor": "\(cursor)", "feed.rebuild_from": "\(position)",
            "restore.agents": "\(restored.agents)", "restore.dns_records": "\(restored.dnsRecords)",
        ])

        let clock = ContinuousClock()
        var lastTick = clock.now
        var lastRefresh = clock.now
        while true {
            try Task.checkCancellation()
            if page.isEmpty {
                try await Task.sleep(for: configuration.pollInterval)
            }
            for entry in page {
                position = entry.position
                guard let batch = entry.batch else {
                    counters.feedUndecodable.add(1, ordering: .relaxed)
                    logger.error("detection feed entry cannot be decoded; skipped", metadata: ["feed.position": "\(position)"])
                    continue
                }
                if !known.contains(batch.agent) {
                    if let info = try await store.agent(batch.agent) { await service.learnAgents([info]) }
                    known.insert(batch.agent)
                }
                await service.evaluate(batch, report: position > cursor)
            }
            counters.feedPosition.store(UInt64(clamping: position), ordering: .relaxed)
            if clock.now - lastTick >= .seconds(1) {
                lastTick = clock.now
                await service.tick()
            }
            if position > cursor, await service.flush() {
                try await lease.advance(to: position, keepSince: keepSince())
                cursor = position
            }
            if clock.now - lastRefresh >= configuration.agentRefreshInterval {
                lastRefresh = clock.now
                let agents = try await store.agents()
                await service.learnAgents(agents)
                known = Set(agents.map(\.id))
            }
            page = try await lease.entries(after: position, limit: configuration.pageSize)
        }
    }

    /// The earliest record time in `records`, if any.
    static func earliest(_ records: RecordBatch) -> NetworkTime? {
        var earliest: NetworkTime?
        func note(_ time: NetworkTime) { earliest = min(earliest ?? time, time) }
        for record in records.conns { note(record.ts) }
        for record in records.dns { note(record.ts) }
        for record in records.http { note(record.ts) }
        for record in records.ssl { note(record.ts) }
        return earliest
    }
}

import AgentCore
import FleetModel
import FleetWire
public import Logging
public import NIOCore
public import NIOPosix

/// Ships record batches to the aggregator with exactly-once delivery: numbers them through the
/// `DeliveryLedger`, sends them on a FleetWire session, spools them while the aggregator is
/// unreachable, reconnects with backoff (`ReconnectMachine`) and resends everything
/// unacknowledged in order.
///
/// With several aggregator endpoints (sharing one store), the shipper stays on one while it works
/// and fails over to the next in the list at once when it does not; the backoff is waited once per
/// full round of the list. A new session resumes from the sequence its hello reply reports as
/// committed, so nothing is lost or stored twice.
///
/// An established session whose aggregator stops acknowledging (hung, stopped, a black-holed
/// path) is closed once batches waited ``ShipperConfiguration/ackTimeout`` for an
/// acknowledgement, and handled as a lost session: failover, then the unacknowledged batches are
/// resent from where the next aggregator's hello says the store stands.
///
/// Not Sendable: owned by one task, which calls ``run(input:)`` once. The spool and ledger are
/// touched only from that task; the connection runs in a child task and reports back through an
/// event stream. Stop it early with ``stopHandle``.
public final class Shipper {
    enum Event: Sendable {
        case batch(OutgoingBatch)
        case inputFinished((any Error)?)
        case connected(id: Int, connection: ShipperConnection, lastCommitted: UInt64)
        case ack(id: Int, sequence: UInt64)
        /// `ackTimedOut`: the acknowledgement deadline closed the session.
        case connectionEnded(id: Int, reason: String, ackTimedOut: Bool = false)
        case delayElapsed
        case drainDeadline
        case stop
    }

    /// Asks a running shipper to spool what is pending and return (e.g. on SIGTERM).
    public struct StopHandle: Sendable {
        let continuation: AsyncStream<Event>.Continuation
        /// Requests the stop; returns at once.
        public func requestStop() { continuation.yield(.stop) }
    }

    private let configuration: ShipperConfiguration
    private let spool: Spool
    private var logger: Logger
    private let group: any EventLoopGroup
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private var ledger: DeliveryLedger
    private var reconnect: ReconnectMachine
    private var random = SystemRandomNumberGenerator()
    private var connection: (id: Int, handle: ShipperConnection)?
    private var nextConnectionID = 0
    private var connections: UInt64 = 0
    /// Sessions closed because no acknowledgement came within the ack timeout.
    private var ackTimeouts: UInt64 = 0
    private var batchesSpooled: UInt64 = 0
    /// Records in the batches numbered by this run (sent, or spooled for a later run).
    private var recordsNumbered: UInt64 = 0
    private var credits: AsyncStream<Void>.Continuation?
    private let metrics: AgentMetrics?
    /// Cumulative counters of the last batch numbered: the next batch's deltas start there.
    private var lastReported = WireCaptureStats()
    /// Input batches allowed to wait in the event queue.
    static let inputCredits = 4

    /// The handle that stops ``run(input:)``.
    public var stopHandle: StopHandle { StopHandle(continuation: continuation) }

    /// Creates a shipper over an opened spool; batches already spooled (from an earlier run) are
    /// sent first once connected.
    /// - Parameter metrics: where to report delivery counters (nil: nowhere).
    /// - Throws: `SpoolError` when the spool cannot be scanned.
    public init(
        configuration: ShipperConfiguration, spool: Spool, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, metrics: AgentMetrics? = nil
    ) throws(SpoolError) {
        self.metrics = metrics
        self.configuration = configuration
        self.spool = spool
        self.logger = logger
        self.logger[metadataKey: "agent.id"] = "\(configuration.agentID)"
        self.group = group
        let contents = try spool.load()
        ledger = DeliveryLedger(
            agent: configuration.agentID, configuration: configuration.ledger, spooled: contents.sequences,
            reservedThrough: contents.reservedThrough)
        precondition(!configuration.endpoints.isEmpty, "ShipperConfiguration.endpoints is empty")
        reconnect = ReconnectMachine(
            backoff: Backoff(configuration: configuration.backoff), endpointCount: configuration.endpoints.count)
        (events, continuation) = AsyncStream<Event>.makeStream()
        if !contents.sequences.isEmpty {
            logger.info("resuming spooled batches", metadata: ["spool.batches": "\(contents.sequences.count)"])
        }
    }

    /// Ships every batch of `input`; once it ends, waits until everything is acknowledged (up to
    /// the drain timeout) and returns. After a stop request or the timeout, unacknowledged batches
    /// stay in the spool for the next run.
    /// - Throws: ``ShipperError`` when the spool cannot persist a sequence reservation, or the input's error
    ///   (after spooling what was pending).
    public func run(input: AsyncThrowingStream<OutgoingBatch, any Error>) async throws -> ShipperSummary {
        let continuation = self.continuation
        // Credits bound how many input batches wait in the event queue: the input task takes one
        // per batch and the loop returns one per batch handled, so a fast reader (a pcap replay)
        // waits instead of filling memory.
        let (credits, creditContinuation) = AsyncStream<Void>.makeStream()
        for _ in 0..<Self.inputCredits { creditContinuation.yield() }
        self.credits = creditContinuation
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var credit = credits.makeAsyncIterator()
                do {
                    for try await batch in input {
                        guard await credit.next() != nil else { return }
                        continuation.yield(.batch(batch))
                    }
                    continuation.yield(.inputFinished(nil))
                } catch {
                    continuation.yield(.inputFinished(error))
                }
            }
            defer {
                creditContinuation.finish()
                connection?.handle.close()
                group.cancelAll()
            }
            return try await loop(group: &group)
        }
    }

    private func loop(group: inout ThrowingTaskGroup<Void, any Error>) async throws -> ShipperSummary {
        var inputDone = false
        var inputError: (any Error)?
        var stopping = false
        try await perform(reconnect.start(), group: &group)
        for await event in events {
            switch event {
            case .batch(let batch):
                try await enqueue(batch)
                credits?.yield()
            case .inputFinished(let error):
                inputDone = true
                inputError = error
                if let error { logger.error("input failed", metadata: ["error": "\(error)"]) }
                let timeout = configuration.drainTimeout
                let continuation = self.continuation
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    continuation.yield(.drainDeadline)
                }
            case .connected(let id, let handle, let lastCommitted):
                guard id == nextConnectionID - 1 else { handle.close(); continue }
                connection = (id, handle)
                connections += 1
                let previous = endpoint(reconnect.currentEndpoint)
                let failoversBefore = reconnect.failovers
                _ = reconnect.connectSucceeded()
                if reconnect.failovers > failoversBefore {
                    logger.warning("failed over to another aggregator", metadata: [
                        "aggregator.from": "\(previous)", "aggregator.to": "\(endpoint(reconnect.currentEndpoint))",
                        "aggregator.failovers": "\(reconnect.failovers)",
                    ])
                }
                logger.info("connected to aggregator", metadata: [
                    "aggregator": "\(endpoint(reconnect.currentEndpoint))",
                    "agent.last_sequence": "\(lastCommitted)", "ledger.pending": "\(ledger.unacknowledgedCount)",
                ])
                if lastCommitted >= ledger.nextSequence {
                    logger.warning("aggregator has committed sequences this agent never numbered (spool lost?); numbering continues after them",
                        metadata: ["agent.last_sequence": "\(lastCommitted)", "ledger.next": "\(ledger.nextSequence)"])
                }
                let renumberedBefore = ledger.counters.renumbered
                try await execute(ledger.connected(lastCommitted: lastCommitted))
                if ledger.counters.renumbered > renumberedBefore {
                    logger.warning("renumbered batches whose sequence the aggregator had already committed", metadata: [
                        "batch.renumbered": "\(ledger.counters.renumbered - renumberedBefore)",
                        "agent.last_sequence": "\(lastCommitted)",
                    ])
                }
            case .ack(let id, let sequence):
                guard connection?.id == id else { continue }
                reconnect.sessionDelivered()
                try await execute(ledger.acknowledge(through: sequence))
            case .connectionEnded(let id, let reason, let ackTimedOut):
                guard id == nextConnectionID - 1 else { continue }
                let from = endpoint(reconnect.endpoint)
                let action: ReconnectMachine.Action
                if connection?.id == id {
                    connection = nil
                    if ackTimedOut {
                        ackTimeouts += 1
                        logger.warning("closed the connection to the aggregator: \(reason)", metadata: [
                            "aggregator": "\(from)", "reason": "\(reason)", "ledger.in_flight": "\(ledger.inFlightCount)",
                            "aggregator.ack_timeouts": "\(ackTimeouts)",
                        ])
                    } else {
                        logger.warning("connection to aggregator lost", metadata: ["aggregator": "\(from)", "reason": "\(reason)"])
                    }
                    try await execute(ledger.disconnected())
                    action = reconnect.connectionLost(using: &random)
                } else {
                    logger.warning("cannot connect to aggregator", metadata: ["aggregator": "\(from)", "reason": "\(reason)"])
                    action = reconnect.connectFailed(using: &random)
                }
                logMove(from: from, action)
                try await perform(action, group: &group)
            case .delayElapsed:
                try await perform(reconnect.delayElapsed(), group: &group)
            case .drainDeadline:
                logger.warning("drain timeout: spooling unacknowledged batches",
                    metadata: ["ledger.pending": "\(ledger.unacknowledgedCount)"])
                return try await finish(.timedOut, inputError: inputError)
            case .stop:
                stopping = true
                logger.info("stop requested: spooling pending batches")
            }
            publishMetrics()
            if inputDone && ledger.unacknowledgedCount == 0 {
                return try await finish(.drained, inputError: inputError)
            }
            if inputDone && stopping {
                return try await finish(.stopped, inputError: inputError)
            }
        }
        return try await finish(.stopped, inputError: inputError)
    }

    private func publishMetrics() {
        guard let metrics else { return }
        var totals = AgentMetrics.DeliveryTotals()
        let counters = ledger.counters
        totals.sent = counters.sent + counters.resent
        totals.acknowledged = counters.acknowledged
        totals.spooled = batchesSpooled
        totals.dropped = counters.lost
        totals.renumbered = counters.renumbered
        totals.connections = connections
        totals.reconnects = nextConnectionID > 0 ? UInt64(nextConnectionID - 1) : 0
        totals.failovers = reconnect.failovers
        totals.ackTimeouts = ackTimeouts
        totals.aggregator = connection == nil ? nil : endpoint(reconnect.currentEndpoint).description
        totals.spoolBytes = UInt64(max(0, spool.statistics.bytes))
        totals.spoolBatches = UInt64(max(0, spool.statistics.batches))
        metrics.delivery(totals)
    }

    private func finish(_ ending: ShipperSummary.Ending, inputError: (any Error)?) async throws -> ShipperSummary {
        try await execute(ledger.disconnected())
        publishMetrics()
        _ = reconnect.stop()
        connection?.handle.close()
        connection = nil
        if let inputError { throw inputError }
        return ShipperSummary(
            ending: ending, pendingBatches: ledger.unacknowledgedCount, ledger: ledger.counters,
            connections: connections, failedConnects: reconnect.failedAttempts, records: recordsNumbered,
            failovers: reconnect.failovers, ackTimeouts: ackTimeouts,
            lastEndpoint: connections > 0 ? endpoint(reconnect.currentEndpoint) : nil)
    }

    private func enqueue(_ batch: OutgoingBatch) async throws {
        guard !batch.records.isEmpty else { return }
        var stats = batch.stats
        stats.packetsSeenDelta = Self.delta(from: lastReported.packetsSeen, to: stats.packetsSeen)
        stats.dropsDelta = Self.delta(from: lastReported.kernelDrops, to: stats.kernelDrops)
            &+ Self.delta(from: lastReported.interfaceDrops, to: stats.interfaceDrops)
        lastReported = stats
        stats.batchesSpooled = batchesSpooled
        stats.batchesDropped = ledger.counters.lost
        stats.spoolBytes = UInt64(spool.statistics.bytes)
        let (first, last) = Self.timeRange(of: batch.records)
        let codec = configuration.codec
        let agentID = configuration.agentID
        let (_, actions) = try ledger.enqueue { (id: BatchID) throws(WireCodecError) -> [UInt8] in
            let message = WireMessage.batch(WireBatch(
                agentID: agentID, sequence: id.sequence, firstTime: first, lastTime: last, stats: stats,
                records: batch.records))
            var buffer = ByteBuffer()
            try codec.write(message, to: &buffer)
            return Array(buffer.readableBytesView)
        }
        recordsNumbered &+= UInt64(batch.records.count)
        try await execute(actions)
    }

    private func execute(_ actions: [DeliveryLedger.Action]) async throws {
        for action in actions {
            switch action {
            case .reserveSequences(let through):
                do { try spool.persistReservation(through: through) } catch {
                    throw ShipperError("cannot persist sequence reservation: \(error)")
                }
            case .send(let sequence, let payload):
                await send(sequence, payload)
            case .sendSpooled(let sequence):
                let payload: [UInt8]?
                do { payload = try spool.read(sequence: sequence) } catch {
                    logger.error("cannot read spooled batch", metadata: ["batch.sequence": "\(sequence)", "error": "\(error)"])
                    payload = nil
                }
                if let payload { await send(sequence, payload) } else { ledger.spoolLost([sequence]) }
            case .spool(let sequence, let payload):
                do {
                    let dropped = try spool.write(sequence: sequence, payload: payload)
                    batchesSpooled += 1
                    if !dropped.isEmpty {
                        logger.warning("spool full: dropped oldest batches", metadata: ["spool.dropped": "\(dropped.count)"])
                        ledger.spoolLost(dropped)
                    }
                } catch {
                    logger.error("cannot spool batch; it is lost", metadata: ["batch.sequence": "\(sequence)", "error": "\(error)"])
                    ledger.spoolLost([sequence])
                }
            case .deleteSpooled(let sequence):
                spool.delete(sequence: sequence)
            case .renumberSpooled(let from, let to):
                renumberSpooled(from: from, to: to)
            }
        }
    }

    /// Rewrites spooled batch `from` as batch `to` (the aggregator had already committed `from`).
    private func renumberSpooled(from: UInt64, to: UInt64) {
        do {
            guard let payload = try spool.read(sequence: from) else {
                ledger.spoolLost([to])
                return
            }
            let rewritten = try Self.renumber(payload, to: to, codec: configuration.codec)
            let dropped = try spool.write(sequence: to, payload: rewritten)
            spool.delete(sequence: from)
            if !dropped.isEmpty {
                logger.warning("spool full: dropped oldest batches", metadata: ["spool.dropped": "\(dropped.count)"])
                ledger.spoolLost(dropped)
            }
        } catch {
            logger.error("cannot renumber spooled batch; it is lost", metadata: [
                "batch.sequence": "\(from)", "batch.new_sequence": "\(to)", "error": "\(error)",
            ])
            spool.delete(sequence: from)
            ledger.spoolLost([to])
        }
    }

    static func delta(from old: UInt64, to new: UInt64) -> UInt64 {
        // A total that went backwards (a restarted capture) counts from zero again.
        new >= old ? new - old : new
    }

    private func send(_ sequence: UInt64, _ payload: [UInt8]) async {
        guard let connection else { return }
        // The deadline runs from here: a write that waits because the aggregator stopped reading
        // is as silent as a missing acknowledgement (and the deadline's close ends the wait).
        connection.handle.watchdog?.sent(sequence: sequence)
        do {
            try await connection.handle.writer.write(ByteBuffer(bytes: payload))
        } catch {
            // The connection task notices the close and reports it; make sure it does.
            connection.handle.close()
        }
    }

    private func perform(_ action: ReconnectMachine.Action, group: inout ThrowingTaskGroup<Void, any Error>) async throws {
        switch action {
        case .connect:
            let id = nextConnectionID
            nextConnectionID += 1
            let connector = ShipperConnector(
                configuration: configuration, endpoint: endpoint(reconnect.endpoint), group: self.group, logger: logger)
            let continuation = self.continuation
            let nextSequence = ledger.nextSequence
            group.addTask { await connector.run(id: id, nextSequence: nextSequence, events: continuation) }
        case .wait(let delay):
            let continuation = self.continuation
            group.addTask {
                try? await Task.sleep(for: delay)
                continuation.yield(.delayElapsed)
            }
        case .close:
            connection?.handle.close()
        case .none:
            break
        }
    }

    /// The endpoint at `index` of the list (the machine keeps it in range).
    private func endpoint(_ index: Int) -> ShipperEndpoint {
        let endpoints = configuration.endpoints
        return endpoints[min(max(0, index), endpoints.count - 1)]
    }

    /// Logs where the next attempt goes after a failed attempt or a lost session.
    private func logMove(from: ShipperEndpoint, _ action: ReconnectMachine.Action) {
        guard configuration.endpoints.count > 1 else { return }
        let to = endpoint(reconnect.endpoint)
        switch action {
        case .connect:
            logger.notice("trying the next aggregator", metadata: ["aggregator.from": "\(from)", "aggregator.to": "\(to)"])
        case .wait(let delay):
            logger.warning("no aggregator of the list reachable; backing off", metadata: [
                "aggregator.next": "\(to)", "backoff.delay": "\(delay)", "aggregator.count": "\(configuration.endpoints.count)",
            ])
        case .close, .none:
            break
        }
    }
}

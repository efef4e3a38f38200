/// Tracks every batch from the moment it is numbered until the aggregator acknowledges it, and
/// says what to do with it: send, spool to disk, resend after a reconnect, delete from the spool.
///
/// A pure state machine (style rule 7): each event returns the `Action`s the runtime must
/// execute, in order. Nothing here does I/O.
///
/// Rules:
/// - Batches get consecutive sequence numbers and are sent in order, at most `window` unacknowledged
///   at a time. Acknowledgements are cumulative (the aggregator's high-water mark for this agent):
///   `acknowledge(through: n)` releases every batch up to `n`. Duplicate or old acks, acks for
///   numbers never given out and acks while disconnected are ignored and counted.
/// - While connected, batches that do not fit the window wait in memory up to `maxMemoryBytes`;
///   beyond that they are spooled. While disconnected every new batch is spooled.
/// - On disconnect, in-memory batches (sent or not) are spooled, and on reconnect everything
///   unacknowledged is resent in sequence order — spooled ones through `.sendSpooled`.
/// - Sequence numbers are reserved in blocks (`.reserveSequences`) that the runtime persists
///   before acting on the rest, so numbering never goes backwards after a restart.
/// - Lost spool: an agent that restarts without its spool (wiped disk, new VM from an image)
///   numbers from 1 (or from a stale reservation) again. `connected(lastCommitted:)` takes the
///   aggregator's high-water mark from the hello reply: on the first connection, if any batch
///   numbered since start-up is at or below it, all of those batches are renumbered (in order)
///   to follow it, and new batches always continue after max(own, aggregator's) — never reusing a
///   number the aggregator would acknowledge as a duplicate.
public struct DeliveryLedger: Sendable {
    /// Tuning.
    public struct Configuration: Sendable, Hashable {
        /// Most batches sent and not yet acknowledged.
        public var window: Int
        /// Most payload bytes of unspooled batches kept in memory while connected.
        public var maxMemoryBytes: Int
        /// How many sequence numbers one `.reserveSequences` covers.
        public var sequenceReservation: UInt64

        public init(window: Int = 8, maxMemoryBytes: Int = 64 << 20, sequenceReservation: UInt64 = 1024) {
            self.window = max(1, window)
            self.maxMemoryBytes = max(0, maxMemoryBytes)
            self.sequenceReservation = max(1, sequenceReservation)
        }
    }

    /// What the runtime must do, in the order returned.
    public enum Action: Sendable, Hashable {
        /// Persist durably that sequence numbers up to `through` are taken, before the next actions.
        case reserveSequences(through: UInt64)
        /// Send this payload on the current connection.
        case send(sequence: UInt64, payload: [UInt8])
        /// Read this batch from the spool and send it (report a missing one with `spoolLost`).
        case sendSpooled(sequence: UInt64)
        /// Write this payload to the spool.
        case spool(sequence: UInt64, payload: [UInt8])
        /// The batch is acknowledged: remove it from the spool.
        case deleteSpooled(sequence: UInt64)
        /// Re-number a spooled batch: rewrite its payload with sequence `to`, store it under `to`
        /// and delete `from` (report a missing one with `spoolLost([to])`). Returned in
        /// descending order, so `to` is always free when the action runs.
        case renumberSpooled(from: UInt64, to: UInt64)
    }

    /// Counters for metrics and tests.
    public struct Counters: Sendable, Hashable {
        public var enqueued: UInt64 = 0
        public var sent: UInt64 = 0
        public var resent: UInt64 = 0
        public var acknowledged: UInt64 = 0
        public var duplicateAcks: UInt64 = 0
        public var unexpectedAcks: UInt64 = 0
        /// Batches the spool dropped (full) or could not read back.
        public var lost: UInt64 = 0
        /// Batches renumbered after the aggregator's hello showed their numbers already taken.
        public var renumbered: UInt64 = 0
        /// Times numbering jumped forward to follow the aggregator's last committed sequence.
        public var sequenceJumps: UInt64 = 0
        public init() {}
    }

    private enum Location: Sendable {
        case memory([UInt8])
        case spooled
    }

    private struct Entry: Sendable {
        var sequence: UInt64
        var location: Location
        var inFlight: Bool
        var everSent: Bool
    }

    public let agent: String
    public let configuration: Configuration
    public private(set) var counters = Counters()
    public private(set) var isConnected = false
    /// The number the next batch gets.
    public private(set) var nextSequence: UInt64
    /// Highest sequence number covered by a reservation the runtime persisted.
    public private(set) var reservedThrough: UInt64
    /// Highest sequence number acknowledged on any connection (0: none yet).
    public private(set) var lastAcknowledged: UInt64 = 0
    /// Unacknowledged batches in sequence order; the in-flight ones form a prefix.
    private var entries: [Entry] = []
    private var memoryBytes = 0
    /// The first number this ledger gives out: lower ones were restored from the spool.
    private let firstOwnSequence: UInt64
    /// Whether a connection has told the ledger the aggregator's high-water mark yet.
    public private(set) var isSynchronized = false

    /// A ledger for `agent`.
    ///
    /// - Parameters:
    ///   - spooled: sequence numbers found in the spool at start-up (any order); they are resent
    ///     first once connected.
    ///   - reservedThrough: the last persisted reservation (0 on first start); numbering resumes
    ///     after it and after every spooled batch.
    public init(
        agent: String, configuration: Configuration = Configuration(), spooled: [UInt64] = [],
        reservedThrough: UInt64 = 0
    ) {
        self.agent = agent
        self.configuration = configuration
        let restored = Array(Set(spooled)).filter { $0 > 0 }.sorted()
        entries = restored.map { Entry(sequence: $0, location: .spooled, inFlight: false, everSent: false) }
        self.reservedThrough = reservedThrough
        let highest = max(reservedThrough, restored.last ?? 0)
        nextSequence = highest == .max ? .max : highest + 1
        firstOwnSequence = nextSequence
    }

    /// Batches not yet acknowledged (in memory or spooled).
    public var unacknowledgedCount: Int { entries.count }
    /// Batches sent and awaiting an acknowledgement.
    public var inFlightCount: Int { entries.prefix { $0.inFlight }.count }
    /// Payload bytes held in memory.
    public var bytesInMemory: Int { memoryBytes }
    /// Sequence numbers not yet acknowledged, in order.
    public var unacknowledgedSequences: [UInt64] { entries.map(\.sequence) }

    /// Numbers a new batch and decides where it goes.
    ///
    /// - Parameter encode: builds the payload for the batch's id (the id goes into the frame so the
    ///   aggregator can deduplicate).
    /// - Returns: the id given and the actions to execute.
    public mutating func enqueue<Failure: Error>(
        _ encode: (BatchID) throws(Failure) -> [UInt8]
    ) throws(Failure) -> (id: BatchID, actions: [Action]) {
        let sequence = nextSequence
        let id = BatchID(agent: agent, sequence: sequence)
        let payload = try encode(id)
        var actions: [Action] = []
        if sequence > reservedThrough {
            let (end, overflow) = sequence.addingReportingOverflow(configuration.sequenceReservation - 1)
            reservedThrough = overflow ? .max : end
            actions.append(.reserveSequences(through: reservedThrough))
        }
        nextSequence = sequence == .max ? .max : sequence + 1
        counters.enqueued += 1
        if isConnected && inFlightCount < configuration.window && entries.allSatisfy(\.inFlight) {
            entries.append(Entry(sequence: sequence, location: .memory(payload), inFlight: true, everSent: true))
            memoryBytes += payload.count
            counters.sent += 1
            actions.append(.send(sequence: sequence, payload: payload))
        } else if isConnected && memoryBytes + payload.count <= configuration.maxMemoryBytes {
            entries.append(Entry(sequence: sequence, location: .memory(payload), inFlight: false, everSent: false))
            memoryBytes += payload.count
        } else {
            entries.append(Entry(sequence: sequence, location: .spooled, inFlight: false, everSent: false))
            actions.append(.spool(sequence: sequence, payload: payload))
        }
        return (id, actions)
    }

    /// A connection to the aggregator is up: (re)send unacknowledged batches in order.
    public mutating func connected() -> [Action] {
        isConnected = true
        return fillWindow()
    }

    /// A connection is up and its hello reply says the aggregator committed every batch of this
    /// agent up to `lastCommitted` (0: none).
    ///
    /// On the first connection, batches numbered since start-up at or below `lastCommitted` mean
    /// the agent lost its numbering history: all batches numbered since start-up are renumbered
    /// to follow `lastCommitted` (they are all spooled, since nothing is sent before the first
    /// connection). Batches restored from the spool at or below it were stored before the
    /// restart and are released. On every connection new numbers continue after
    /// max(own, `lastCommitted`), then unacknowledged batches are sent in order.
    public mutating func connected(lastCommitted: UInt64) -> [Action] {
        var actions: [Action] = []
        if !isSynchronized {
            isSynchronized = true
            actions += renumberOwnBatches(after: lastCommitted)
        }
        if lastCommitted >= nextSequence, lastCommitted < .max {
            counters.sequenceJumps += 1
            nextSequence = lastCommitted + 1
        }
        if nextSequence - 1 > reservedThrough {
            reservedThrough = nextSequence - 1
            actions.insert(.reserveSequences(through: reservedThrough), at: 0)
        }
        isConnected = true
        lastAcknowledged = max(lastAcknowledged, lastCommitted)
        return actions + release(through: lastCommitted) + fillWindow()
    }

    private mutating func renumberOwnBatches(after lastCommitted: UInt64) -> [Action] {
        let own = entries.indices.filter { entries[$0].sequence >= firstOwnSequence }
        guard let first = own.first, entries[first].sequence <= lastCommitted else { return [] }
        let count = UInt64(own.count)
        guard lastCommitted <= .max - count - 1 else { return [] }
        var actions: [Action] = []
        for (offset, index) in own.enumerated().reversed() {
            let old = entries[index].sequence
            let new = lastCommitted + 1 + UInt64(offset)
            if case .memory = entries[index].location {
                // Not reachable before the first connection (everything is spooled then); keep
                // the batch where it is rather than send a taken number.
                continue
            }
            entries[index].sequence = new
            actions.append(.renumberSpooled(from: old, to: new))
        }
        counters.renumbered += UInt64(actions.count)
        nextSequence = max(nextSequence, lastCommitted + 1 + count)
        return actions
    }

    /// The connection is gone (or the agent is shutting down): nothing is in flight any more and
    /// every batch still in memory is spooled so it survives a restart.
    public mutating func disconnected() -> [Action] {
        isConnected = false
        var actions: [Action] = []
        for index in entries.indices {
            entries[index].inFlight = false
            if case .memory(let payload) = entries[index].location {
                actions.append(.spool(sequence: entries[index].sequence, payload: payload))
                entries[index].location = .spooled
            }
        }
        memoryBytes = 0
        return actions
    }

    /// The aggregator stored every batch up to `sequence`: release them and send what waits.
    public mutating func acknowledge(through sequence: UInt64) -> [Action] {
        guard isConnected else {
            counters.unexpectedAcks += 1
            return []
        }
        guard sequence < nextSequence else {
            counters.unexpectedAcks += 1  // acknowledges a number never given out
            return []
        }
        guard sequence > lastAcknowledged else {
            counters.duplicateAcks += 1
            return []
        }
        lastAcknowledged = sequence
        // The aggregator's high-water mark: everything up to it is stored, sent on this
        // connection or not (numbers are never reused, so this is safe).
        guard entries.first.map({ $0.sequence <= sequence }) == true else {
            counters.duplicateAcks += 1  // below everything pending: settled before a restart
            return []
        }
        return release(through: sequence) + fillWindow()
    }

    /// Releases every pending batch numbered up to `sequence` (returns their spool deletions).
    private mutating func release(through sequence: UInt64) -> [Action] {
        let released = entries.prefix { $0.sequence <= sequence }.count
        guard released > 0 else { return [] }
        var actions: [Action] = []
        for entry in entries[..<released] {
            switch entry.location {
            case .memory(let payload): memoryBytes -= payload.count
            case .spooled: actions.append(.deleteSpooled(sequence: entry.sequence))
            }
        }
        entries.removeFirst(released)
        counters.acknowledged += UInt64(released)
        return actions
    }

    /// The spool dropped these batches (full) or could not read them back: they are lost.
    public mutating func spoolLost(_ sequences: some Sequence<UInt64>) {
        let lost = Set(sequences)
        let before = entries.count
        entries.removeAll { entry in
            guard lost.contains(entry.sequence), case .spooled = entry.location else { return false }
            return true
        }
        counters.lost += UInt64(before - entries.count)
    }

    private mutating func fillWindow() -> [Action] {
        guard isConnected else { return [] }
        var actions: [Action] = []
        var inFlight = inFlightCount
        var index = inFlight
        while inFlight < configuration.window && index < entries.count {
            let sequence = entries[index].sequence
            switch entries[index].location {
            case .memory(let payload): actions.append(.send(sequence: sequence, payload: payload))
            case .spooled: actions.append(.sendSpooled(sequence: sequence))
            }
            if entries[index].everSent { counters.resent += 1 } else { counters.sent += 1 }
            entries[index].inFlight = true
            entries[index].everSent = true
            inFlight += 1
            index += 1
        }
        return actions
    }
}

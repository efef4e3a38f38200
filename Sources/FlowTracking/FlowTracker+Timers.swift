import FleetModel

extension FlowTracker {
    enum RemovalReason {
        case timeout, closed, reuse, evicted, endOfInput
    }

    /// The next time this connection needs attention: removal or an interim record.
    /// (Static: called for every packet, it must not copy the tracker's configuration.)
    static func nextDeadline(_ connection: Connection, timeouts: ConnectionTimeouts) -> NetworkTime? {
        var deadline = timeouts.removalDeadline(connection).time
        if let interim = connection.nextInterim, interim < deadline { deadline = interim }
        return deadline
    }

    /// Makes sure a timer entry fires no later than `time` for this slot.
    ///
    /// Deadlines mostly move later as packets arrive; the pending entry then
    /// fires early, re-evaluates and reschedules, so most packets push nothing.
    mutating func scheduleIfEarlier(slot: Int32, generation: UInt32, at time: NetworkTime) {
        let pending = pendingDeadline(slot: slot)
        if pending >= 0 && pending <= time.microseconds { return }
        setPendingDeadline(slot: slot, time.microseconds)
        timers.push(TimerHeap.Entry(time: time.microseconds, slot: slot, generation: generation))
    }

    /// Runs every timer due at or before `time` and moves packet time forward.
    mutating func runTimers(upTo time: NetworkTime) {
        now = time
        while let entry = timers.first, entry.time <= time.microseconds {
            _ = timers.popFirst()
            let slot = Int(entry.slot)
            guard slot < connections.count, generations[slot] == entry.generation,
                  pendingDeadline(slot: entry.slot) == entry.time, let connection = connections[slot] else {
                continue
            }
            let firedAt = NetworkTime(microseconds: entry.time)
            let removal = timeouts.removalDeadline(connection)
            if removal.time <= firedAt {
                remove(slot: entry.slot, reason: removal.reason)
                continue
            }
            // Interim record due?
            if let interim = connection.nextInterim, interim <= firedAt, let interval = configuration.interimInterval {
                // The early first interim (`firstInterimDelay`) is only for a connection still open; the
                // regular ones then follow at start + k × interval.
                let early = interim < connection.startTime + interval
                if !early || isOpenTCP(connection) {
                    var record = Self.makeRecord(connection, localNetworks: localNetworks, historyTexts: &historyTexts)
                    record.interim = true
                    output.conns.append(record)
                    counters.interimRecords &+= 1
                }
                var next = early ? connection.startTime + interval : interim + interval
                while next <= firedAt { next = next + interval }
                connection.nextInterim = next
            }
            if let deadline = Self.nextDeadline(connection, timeouts: timeouts) {
                setPendingDeadline(slot: entry.slot, -1)
                scheduleIfEarlier(slot: entry.slot, generation: entry.generation, at: deadline)
            }
        }
    }

    /// A TCP connection past its handshake on both sides with no FIN or RST seen.
    func isOpenTCP(_ connection: Connection) -> Bool {
        guard connection.transport == .tcp else { return false }
        let facts = connection.tcp.deadlineFacts()
        let open: (TCPEndpointState) -> Bool = { $0 == .established || $0 == .partial }
        return open(facts.originator) && open(facts.responder) && !facts.originatorClosed && !facts.responderClosed
            && !facts.closeComplete
    }

    /// Most removed connections kept for reuse.
    static let maxSpareConnections = 1024

    /// Removes a connection, emitting its final record.
    mutating func remove(slot: Int32, reason: RemovalReason) {
        let position = Int(slot)
        guard position < connections.count, let connection = connections[position].take() else { return }
        connection.finishAnalyzers(output: &output)
        output.conns.append(Self.makeRecord(connection, localNetworks: localNetworks, historyTexts: &historyTexts, final: true))
        connection.returnAnalyzers(to: &analyzerPool)
        index.removeValue(forKey: connection.key)
        generations[position] &+= 1
        setPendingDeadline(slot: slot, -1)
        freeSlots.append(slot)
        if spareConnections.count < Self.maxSpareConnections {
            connection.clearForReuse()
            spareConnections.append(connection)
        }
        counters.flowsActive = index.count
        switch reason {
        case .evicted: counters.flowsEvicted &+= 1
        case .timeout, .closed: counters.flowsExpired &+= 1
        case .reuse, .endOfInput: break
        }
    }

    /// Evicts the flow nearest its deadline to make room (it is still logged).
    mutating func evictOne() {
        while let entry = timers.popFirst() {
            let slot = Int(entry.slot)
            guard slot < connections.count, generations[slot] == entry.generation, connections[slot] != nil else { continue }
            remove(slot: entry.slot, reason: .evicted)
            return
        }
        // No timer entry: evict any live flow.
        if let slot = connections.firstIndex(where: { $0 != nil }) {
            remove(slot: Int32(slot), reason: .evicted)
        }
    }

    func pendingDeadline(slot: Int32) -> Int64 {
        let position = Int(slot)
        return position < pendingDeadlines.count ? pendingDeadlines[position] : -1
    }

    mutating func setPendingDeadline(slot: Int32, _ value: Int64) {
        let position = Int(slot)
        // Every slot gets its entry when it is made: the loop is a safety net.
        while pendingDeadlines.count <= position { pendingDeadlines.append(-1) }
        pendingDeadlines[position] = value
    }
}

import AgentCore
import Testing

@Suite struct DeliveryLedgerTests {
    typealias Action = DeliveryLedger.Action

    /// Payload bytes that name their batch, as a real frame would.
    static func payload(_ id: BatchID) -> [UInt8] { Array("\(id)".utf8) }

    static func enqueue(_ ledger: inout DeliveryLedger) -> [Action] {
        ledger.enqueue { id in payload(id) }.actions
    }

    static func p(_ sequence: UInt64) -> [UInt8] { payload(BatchID(agent: "a1", sequence: sequence)) }

    @Test func numbersBatchesFromOneAndReservesBlocks() {
        var ledger = DeliveryLedger(agent: "a1", configuration: .init(sequenceReservation: 3))
        _ = ledger.connected()
        var ids: [UInt64] = []
        var actions: [Action] = []
        for _ in 0..<4 {
            let (id, more) = ledger.enqueue { id in Self.payload(id) }
            #expect(id.agent == "a1")
            ids.append(id.sequence)
            actions += more
        }
        #expect(ids == [1, 2, 3, 4])
        #expect(actions == [
            .reserveSequences(through: 3), .send(sequence: 1, payload: Self.p(1)),
            .send(sequence: 2, payload: Self.p(2)), .send(sequence: 3, payload: Self.p(3)),
            .reserveSequences(through: 6), .send(sequence: 4, payload: Self.p(4)),
        ])
    }

    @Test func windowLimitsInFlightAndAcksReleaseInOrder() {
        var ledger = DeliveryLedger(agent: "a1", configuration: .init(window: 2))
        _ = ledger.connected()
        #expect(Self.enqueue(&ledger).contains(.send(sequence: 1, payload: Self.p(1))))
        #expect(Self.enqueue(&ledger) == [.send(sequence: 2, payload: Self.p(2))])
        #expect(Self.enqueue(&ledger).isEmpty)  // waits in memory
        #expect(Self.enqueue(&ledger).isEmpty)
        #expect(ledger.inFlightCount == 2)
        #expect(ledger.unacknowledgedSequences == [1, 2, 3, 4])
        #expect(ledger.acknowledge(through: 1) == [.send(sequence: 3, payload: Self.p(3))])
        #expect(ledger.acknowledge(through: 3) == [.send(sequence: 4, payload: Self.p(4))])
        #expect(ledger.acknowledge(through: 4).isEmpty)
        #expect(ledger.unacknowledgedCount == 0)
        #expect(ledger.bytesInMemory == 0)
        #expect(ledger.counters.acknowledged == 4)
        #expect(ledger.lastAcknowledged == 4)
    }

    @Test func duplicateOldAndUnknownAcksAreIgnored() {
        var ledger = DeliveryLedger(agent: "a1")
        _ = ledger.connected()
        for _ in 0..<3 { _ = Self.enqueue(&ledger) }
        #expect(ledger.acknowledge(through: 2).isEmpty)
        #expect(ledger.acknowledge(through: 2).isEmpty)
        #expect(ledger.acknowledge(through: 1).isEmpty)
        #expect(ledger.acknowledge(through: 9).isEmpty)  // never sent
        #expect(ledger.unacknowledgedSequences == [3])
        #expect(ledger.counters.duplicateAcks == 2)
        #expect(ledger.counters.unexpectedAcks == 1)
        #expect(ledger.counters.acknowledged == 2)
        _ = ledger.disconnected()
        #expect(ledger.acknowledge(through: 3).isEmpty)  // late ack from a dead connection
        #expect(ledger.unacknowledgedSequences == [3])
    }

    @Test func disconnectSpoolsMemoryAndReconnectResendsEverythingInOrder() {
        var ledger = DeliveryLedger(agent: "a1", configuration: .init(window: 2))
        _ = ledger.connected()
        for _ in 0..<3 { _ = Self.enqueue(&ledger) }  // 1, 2 in flight; 3 waiting
        #expect(ledger.acknowledge(through: 1) == [.send(sequence: 3, payload: Self.p(3))])
        #expect(ledger.disconnected() == [
            .spool(sequence: 2, payload: Self.p(2)), .spool(sequence: 3, payload: Self.p(3)),
        ])
        #expect(ledger.bytesInMemory == 0)
        #expect(ledger.inFlightCount == 0)
        // While away every new batch goes to the spool.
        #expect(Self.enqueue(&ledger) == [.spool(sequence: 4, payload: Self.p(4))])
        #expect(Self.enqueue(&ledger) == [.spool(sequence: 5, payload: Self.p(5))])
        // Back: resend in order, window-limited, from the spool.
        #expect(ledger.connected() == [.sendSpooled(sequence: 2), .sendSpooled(sequence: 3)])
        #expect(ledger.acknowledge(through: 3) == [
            .deleteSpooled(sequence: 2), .deleteSpooled(sequence: 3),
            .sendSpooled(sequence: 4), .sendSpooled(sequence: 5),
        ])
        #expect(Self.enqueue(&ledger).isEmpty)  // 6 waits behind the full window
        #expect(ledger.acknowledge(through: 5) == [
            .deleteSpooled(sequence: 4), .deleteSpooled(sequence: 5), .send(sequence: 6, payload: Self.p(6)),
        ])
        #expect(ledger.counters.resent == 2)
        #expect(ledger.counters.sent == 6)
        #expect(ledger.acknowledge(through: 6).isEmpty)
        #expect(ledger.unacknowledgedCount == 0)
    }

    @Test func everyEnqueuedBatchIsAcknowledgedExactlyOnceAcrossFlappingConnections() {
        // Simulated aggregator: stores a batch once per sequence, acks cumulatively.
        var ledger = DeliveryLedger(agent: "a1", configuration: .init(window: 3, maxMemoryBytes: 40))
        var spool: [UInt64: [UInt8]] = [:]
        var stored: [UInt64] = []
        var wire: [UInt64] = []
        var generator = SplitMixStandIn(seed: 9)
        func execute(_ actions: [Action]) {
            for action in actions {
                switch action {
                case .reserveSequences: break
                case .send(let sequence, let payload):
                    #expect(payload == Self.p(sequence))
                    wire.append(sequence)
                case .sendSpooled(let sequence):
                    #expect(spool[sequence] == Self.p(sequence))
                    wire.append(sequence)
                case .spool(let sequence, let payload): spool[sequence] = payload
                case .deleteSpooled(let sequence): spool[sequence] = nil
                case .renumberSpooled: Issue.record("nothing to renumber with the old connected()")
                }
            }
        }
        for step in 0..<400 {
            switch generator.next() % 6 {
            case 0, 1: execute(Self.enqueue(&ledger))
            case 2:
                if ledger.isConnected { execute(ledger.disconnected()); wire.removeAll() } else { execute(ledger.connected()) }
            default:
                guard ledger.isConnected, !wire.isEmpty else { continue }
                let count = Int(generator.next() % UInt64(wire.count)) + 1
                for sequence in wire.prefix(count) where sequence > (stored.last ?? 0) { stored.append(sequence) }
                wire.removeFirst(count)
                if let last = stored.last, step % 7 != 0 { execute(ledger.acknowledge(through: last)) }
            }
        }
        if !ledger.isConnected { execute(ledger.connected()) }
        for _ in 0..<1000 where ledger.unacknowledgedCount > 0 {
            for sequence in wire where sequence > (stored.last ?? 0) { stored.append(sequence) }
            wire.removeAll()
            guard let last = stored.last else { break }
            execute(ledger.acknowledge(through: last))
        }
        #expect(stored == Array(1..<ledger.nextSequence))
        #expect(stored.count > 100)
        #expect(ledger.counters.resent > 0)  // the flapping did force resends
        #expect(spool.isEmpty)
        #expect(ledger.bytesInMemory == 0)
        #expect(ledger.counters.lost == 0)
    }

    @Test func memoryLimitSpillsToTheSpoolWhileConnected() {
        var ledger = DeliveryLedger(agent: "a1", configuration: .init(window: 1, maxMemoryBytes: 10))
        _ = ledger.connected()
        _ = Self.enqueue(&ledger)  // 1 in flight, 4 bytes
        #expect(Self.enqueue(&ledger).isEmpty)  // 2 waits in memory (8 bytes)
        #expect(Self.enqueue(&ledger) == [.spool(sequence: 3, payload: Self.p(3))])
        #expect(ledger.acknowledge(through: 1) == [.send(sequence: 2, payload: Self.p(2))])
        #expect(ledger.acknowledge(through: 2) == [.sendSpooled(sequence: 3)])
        #expect(ledger.acknowledge(through: 3) == [.deleteSpooled(sequence: 3)])
    }

    @Test func restartResumesNumberingAndResendsSpooledFirst() {
        var ledger = DeliveryLedger(
            agent: "a1", configuration: .init(sequenceReservation: 100), spooled: [12, 10, 11, 10],
            reservedThrough: 100
        )
        #expect(ledger.unacknowledgedSequences == [10, 11, 12])
        #expect(ledger.nextSequence == 101)
        #expect(Self.enqueue(&ledger) == [
            .reserveSequences(through: 200), .spool(sequence: 101, payload: Self.p(101)),
        ])
        #expect(ledger.connected() == [
            .sendSpooled(sequence: 10), .sendSpooled(sequence: 11), .sendSpooled(sequence: 12),
            .sendSpooled(sequence: 101),
        ])
        #expect(ledger.acknowledge(through: 5).isEmpty)  // settled before the restart
        #expect(ledger.counters.duplicateAcks == 1)

        let lost = DeliveryLedger(agent: "a1", spooled: [300], reservedThrough: 100)
        #expect(lost.nextSequence == 301)
    }

    @Test func spoolLossRemovesBatchesAndCountsThem() {
        var ledger = DeliveryLedger(agent: "a1")
        for _ in 0..<4 { _ = Self.enqueue(&ledger) }
        ledger.spoolLost([1, 3, 99])
        #expect(ledger.unacknowledgedSequences == [2, 4])
        #expect(ledger.counters.lost == 2)
        #expect(ledger.connected() == [.sendSpooled(sequence: 2), .sendSpooled(sequence: 4)])
        #expect(ledger.acknowledge(through: 4) == [.deleteSpooled(sequence: 2), .deleteSpooled(sequence: 4)])
    }

    @Test func encodeFailureLeavesTheLedgerUntouched() {
        struct EncodeFailed: Error {}
        var ledger = DeliveryLedger(agent: "a1")
        #expect(throws: EncodeFailed.self) {
            _ = try ledger.enqueue { _ throws(EncodeFailed) -> [UInt8] in throw EncodeFailed() }
        }
        #expect(ledger.nextSequence == 1)
        #expect(ledger.unacknowledgedCount == 0)
    }
}

/// Deterministic choices for the flapping test.
struct SplitMixStandIn {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
}

import AgentCore
import Testing

/// `connected(lastCommitted:)`: an agent that lost its spool never reuses a sequence number the
/// aggregator already committed (it would be acknowledged as a duplicate and silently lost).
@Suite struct DeliveryLedgerResumeTests {
    typealias Action = DeliveryLedger.Action

    static func enqueue(_ ledger: inout DeliveryLedger, count: Int) -> [UInt64] {
        (0..<count).map { _ in ledger.enqueue { id in Array("\(id.sequence)".utf8) }.id.sequence }
    }

    @Test func lostSpoolRenumbersBatchesAfterTheAggregatorsMark() {
        // Fresh spool (no reservation, no batches): numbering starts at 1 while disconnected.
        var ledger = DeliveryLedger(agent: "a1", configuration: .init(window: 8, sequenceReservation: 1))
        #expect(Self.enqueue(&ledger, count: 3) == [1, 2, 3])
        let actions = ledger.connected(lastCommitted: 5)
        #expect(actions == [
            .reserveSequences(through: 8),
            .renumberSpooled(from: 3, to: 8), .renumberSpooled(from: 2, to: 7), .renumberSpooled(from: 1, to: 6),
            .sendSpooled(sequence: 6), .sendSpooled(sequence: 7), .sendSpooled(sequence: 8),
        ])
        #expect(ledger.unacknowledgedSequences == [6, 7, 8])
        #expect(ledger.nextSequence == 9)
        #expect(ledger.counters.renumbered == 3)
        #expect(ledger.counters.acknowledged == 0)
        // New batches continue after the renumbered ones.
        let (id, more) = ledger.enqueue { _ in [1] }
        #expect(id.sequence == 9)
        #expect(more == [.reserveSequences(through: 9), .send(sequence: 9, payload: [1])])
        #expect(ledger.acknowledge(through: 9) == [
            .deleteSpooled(sequence: 6), .deleteSpooled(sequence: 7), .deleteSpooled(sequence: 8),
        ])
    }

    @Test func overlappingNumbersAreShiftedWithoutCollisions() {
        // Aggregator committed 2; the agent numbered 1...5: every own batch moves up by the same
        // amount, highest first, so each target number is free when it is written.
        var ledger = DeliveryLedger(agent: "a1", configuration: .init(window: 1))
        _ = Self.enqueue(&ledger, count: 5)
        let actions = ledger.connected(lastCommitted: 2)
        let renumbers = actions.compactMap { action -> [UInt64]? in
            if case .renumberSpooled(let from, let to) = action { return [from, to] }
            return nil
        }
        #expect(renumbers == [[5, 7], [4, 6], [3, 5], [2, 4], [1, 3]])
        #expect(ledger.unacknowledgedSequences == [3, 4, 5, 6, 7])
        #expect(actions.last == .sendSpooled(sequence: 3))
        #expect(ledger.nextSequence == 8)
    }

    @Test func restoredSpoolIsReleasedUpToTheMarkAndNotRenumbered() {
        // Normal restart: spool holds 4 and 5 (5 committed but never acknowledged), reservation 5.
        var ledger = DeliveryLedger(agent: "a1", spooled: [5, 4], reservedThrough: 5)
        #expect(Self.enqueue(&ledger, count: 1) == [6])
        let actions = ledger.connected(lastCommitted: 5)
        #expect(actions == [.deleteSpooled(sequence: 4), .deleteSpooled(sequence: 5), .sendSpooled(sequence: 6)])
        #expect(ledger.counters.renumbered == 0)
        #expect(ledger.counters.acknowledged == 2)
    }

    @Test func imageWithStaleSpoolRenumbersOnlyNewBatches() {
        // A VM cloned from an image: its spool says reservation 10 and batch 9, but the original
        // agent went on to 20. Batch 9 was delivered long ago; the clone's own batches move up.
        var ledger = DeliveryLedger(
            agent: "a1", configuration: .init(sequenceReservation: 1), spooled: [9], reservedThrough: 10)
        #expect(Self.enqueue(&ledger, count: 2) == [11, 12])
        let actions = ledger.connected(lastCommitted: 20)
        #expect(actions == [
            .reserveSequences(through: 22),
            .renumberSpooled(from: 12, to: 22), .renumberSpooled(from: 11, to: 21),
            .deleteSpooled(sequence: 9),
            .sendSpooled(sequence: 21), .sendSpooled(sequence: 22),
        ])
        #expect(ledger.nextSequence == 23)
    }

    @Test func freshAggregatorChangesNothing() {
        var ledger = DeliveryLedger(agent: "a1")
        _ = Self.enqueue(&ledger, count: 2)
        #expect(ledger.connected(lastCommitted: 0) == [.sendSpooled(sequence: 1), .sendSpooled(sequence: 2)])
        #expect(ledger.counters.renumbered == 0)
        #expect(ledger.counters.sequenceJumps == 0)
    }

    @Test func laterConnectionsReleaseCommittedBatchesInsteadOfRenumbering() {
        // After the first connection, own batches at or below the mark were stored (commit
        // without ack before a disconnect): they are released, never renumbered.
        var ledger = DeliveryLedger(agent: "a1")
        _ = ledger.connected(lastCommitted: 0)
        _ = Self.enqueue(&ledger, count: 3)
        _ = ledger.disconnected()
        let actions = ledger.connected(lastCommitted: 2)
        #expect(actions == [.deleteSpooled(sequence: 1), .deleteSpooled(sequence: 2), .sendSpooled(sequence: 3)])
        #expect(ledger.counters.renumbered == 0)
    }

    @Test func markBeyondEverythingJumpsNumberingForward() {
        var ledger = DeliveryLedger(agent: "a1", configuration: .init(sequenceReservation: 4))
        _ = ledger.connected(lastCommitted: 0)
        _ = ledger.disconnected()
        #expect(ledger.connected(lastCommitted: 40) == [.reserveSequences(through: 40)])
        #expect(ledger.counters.sequenceJumps == 1)
        let (id, actions) = ledger.enqueue { _ in [7] }
        #expect(id.sequence == 41)
        #expect(actions == [.reserveSequences(through: 44), .send(sequence: 41, payload: [7])])
    }
}

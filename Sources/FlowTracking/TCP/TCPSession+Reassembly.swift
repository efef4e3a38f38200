extension TCPSession {
    /// Zeek's `TCP_Reassembler::AckReceived`: the peer acknowledged up to `relAck`
    /// of the other side's data; acknowledged bytes never seen are a content gap.
    mutating func ackReceived(
        byOriginator isOrig: Bool, relAck: UInt64, history: inout ConnHistory, outcome: inout Outcome,
        deliver: (Bool, UnsafeRawBufferPointer) -> Void, gap: (Bool, UInt64) -> Void
    ) {
        // The acknowledged endpoint is the peer of the sender.
        let ackedIsOrig = !isOrig
        var seq = relAck
        let acked = endpoint(ackedIsOrig)
        if acked.finCount > 0 && seq >= acked.finSeq { seq = acked.finSeq &- 1 }
        guard seq > acked.trimSeq else { return }
        trimToSeq(ackedIsOrig, seq: seq, history: &history, outcome: &outcome, deliver: deliver, gap: gap)
    }

    /// Moves the trim point to `seq`, reporting undelivered bytes below it as a gap.
    mutating func trimToSeq(
        _ sideIsOrig: Bool, seq: UInt64, history: inout ConnHistory, outcome: inout Outcome,
        deliver: (Bool, UnsafeRawBufferPointer) -> Void, gap: (Bool, UInt64) -> Void
    ) {
        if seq > endpoint(sideIsOrig).lastReassembledSeq {
            undelivered(sideIsOrig, upTo: seq, history: &history, outcome: &outcome, deliver: deliver, gap: gap)
        }
        withEndpoints(sideIsOrig) { endpoint, _ in
            if !endpoint.pending.isEmpty {
                endpoint.pending.removeAll { block in
                    if block.upper <= seq {
                        endpoint.pendingBytes -= block.bytes.count
                        return true
                    }
                    return false
                }
            }
            endpoint.trimSeq = seq
        }
    }

    /// Zeek's `TCP_Reassembler::Undelivered`.
    private mutating func undelivered(
        _ sideIsOrig: Bool, upTo: UInt64, history: inout ConnHistory, outcome: inout Outcome,
        deliver: (Bool, UnsafeRawBufferPointer) -> Void, gap: (Bool, UInt64) -> Void
    ) {
        if upTo <= 2 && isPartial {
            // Faked initial sequence numbers of a partial connection.
            return
        }
        // Deliver buffered blocks that start below upTo, reporting the holes before them.
        while let index = firstPendingIndex(sideIsOrig, below: upTo) {
            let block = endpoint(sideIsOrig).pending[index]
            let last = endpoint(sideIsOrig).lastReassembledSeq
            if block.seq > last {
                reportGap(sideIsOrig, length: block.seq - last, history: &history, outcome: &outcome, gap: gap)
                withEndpoints(sideIsOrig) { endpoint, _ in endpoint.lastReassembledSeq = block.seq }
            }
            deliverContiguous(sideIsOrig, deliver: deliver)
        }
        let last = endpoint(sideIsOrig).lastReassembledSeq
        if upTo > last {
            reportGap(sideIsOrig, length: upTo - last, history: &history, outcome: &outcome, gap: gap)
            withEndpoints(sideIsOrig) { endpoint, _ in endpoint.lastReassembledSeq = upTo }
        }
    }

    private func firstPendingIndex(_ sideIsOrig: Bool, below upTo: UInt64) -> Int? {
        let endpoint = endpoint(sideIsOrig)
        var best: Int?
        for (index, block) in endpoint.pending.enumerated()
        where block.seq < upTo && block.upper > endpoint.lastReassembledSeq {
            if let current = best, endpoint.pending[current].seq <= block.seq { continue }
            best = index
        }
        return best
    }

    private mutating func reportGap(
        _ sideIsOrig: Bool, length: UInt64, history: inout ConnHistory, outcome: inout Outcome, gap: (Bool, UInt64) -> Void
    ) {
        let clean = endpoint(sideIsOrig).isClean && endpoint(!sideIsOrig).isClean
        if clean {
            if withEndpoints(sideIsOrig, { endpoint, _ in endpoint.gaps.bump() }) {
                history.add(UInt8(ascii: "G"), originator: sideIsOrig)
            }
            outcome.missedBytes &+= length
        }
        gap(sideIsOrig, length)
    }

    /// Zeek's `TCP_Reassembler::DataSent` + `NewBlock`: accept payload at relative `seq`.
    mutating func dataSent(fromOriginator isOrig: Bool, seq: UInt64, payload: UnsafeRawBufferPointer, deliver: (Bool, UnsafeRawBufferPointer) -> Void) {
        var seq = seq
        var bytes = payload
        let sender = endpoint(isOrig)
        let ack = sender.relative(sender.ackSeq, wraps: sender.ackWraps)
        if seq < ack {
            let upper = seq &+ UInt64(bytes.count)
            if upper <= ack { return }
            let acked = Int(ack - seq)
            bytes = UnsafeRawBufferPointer(rebasing: bytes[acked...])
            seq = ack
        }
        let upper = seq &+ UInt64(bytes.count)
        let trim = sender.trimSeq
        if upper <= trim || bytes.isEmpty { return }
        if seq < trim {
            let old = Int(trim - seq)
            bytes = UnsafeRawBufferPointer(rebasing: bytes[old...])
            seq = trim
        }
        let last = endpoint(isOrig).lastReassembledSeq
        if upper <= last { return }  // already delivered
        if seq <= last {
            let skip = Int(last - seq)
            let fresh = UnsafeRawBufferPointer(rebasing: bytes[skip...])
            withEndpoints(isOrig) { endpoint, _ in endpoint.lastReassembledSeq = upper }
            if reassembling { deliver(isOrig, fresh) }
            deliverContiguous(isOrig, deliver: deliver)
            return
        }
        // Out of order: keep it (bounded) until the hole fills or is acknowledged away.
        let reassembling = self.reassembling
        withEndpoints(isOrig) { endpoint, _ in
            guard endpoint.pending.count < Self.maxPendingBlocks else { return }
            let keep = reassembling && endpoint.pendingBytes + bytes.count <= Self.maxPendingBytes
            let stored = keep ? [UInt8](bytes) : []
            endpoint.pendingBytes += stored.count
            endpoint.pending.append(PendingBlock(seq: seq, upper: upper, bytes: stored))
        }
    }

    /// Delivers pending blocks that now continue the stream.
    private mutating func deliverContiguous(_ isOrig: Bool, deliver: (Bool, UnsafeRawBufferPointer) -> Void) {
        // Nothing waits (in-order streams): nothing to deliver or drop.
        guard isOrig ? !originator.pending.isEmpty : !responder.pending.isEmpty else { return }
        var progressed = true
        while progressed {
            progressed = false
            let last = endpoint(isOrig).lastReassembledSeq
            guard let index = endpoint(isOrig).pending.firstIndex(where: { $0.seq <= last && $0.upper > last }) else { break }
            let block = endpoint(isOrig).pending[index]
            withEndpoints(isOrig) { endpoint, _ in
                endpoint.pending.remove(at: index)
                endpoint.pendingBytes -= block.bytes.count
                endpoint.lastReassembledSeq = block.upper
            }
            if reassembling && block.bytes.count == Int(block.upper - block.seq) {
                let skip = Int(last - block.seq)
                block.bytes.withUnsafeBytes { raw in
                    deliver(isOrig, UnsafeRawBufferPointer(rebasing: raw[skip...]))
                }
            }
            progressed = true
        }
        // Drop blocks wholly below the cursor.
        let last = endpoint(isOrig).lastReassembledSeq
        withEndpoints(isOrig) { endpoint, _ in
            endpoint.pending.removeAll { block in
                if block.upper <= last {
                    endpoint.pendingBytes -= block.bytes.count
                    return true
                }
                return false
            }
        }
    }
}

import PacketLayers

/// The TCP half of a connection: both endpoints and Zeek's state machine.
///
/// `process` updates sequence space, states and history for one segment and
/// reports in-order stream data, content gaps and closes through its
/// arguments; it does no I/O.
struct TCPSession: Sendable {
    var originator = TCPEndpoint()
    var responder = TCPEndpoint()
    var isPartial = false
    var firstPacketSeen: UInt8 = 0  // bit 0: originator, bit 1: responder
    /// Whether stream bytes are kept for analyzers (out-of-order blocks).
    var reassembling = false
    /// The connection is closed on both sides or reset: removal is due `closeDelay` after the last packet.
    var closeComplete = false
    /// One side closed first and the other side has sent nothing: Zeek's partial-close timer.
    var partialClose = false
    /// When the originator's initial SYN arrived (for Zeek's 5 s attempt timer).
    var attemptStarted = false

    static let tooLargeSeqDelta: Int32 = 1_048_576
    static let maxPendingBlocks = 64
    static let maxPendingBytes = 256 * 1024

    /// Result flags of one segment.
    struct Outcome {
        /// SYN/SYN-ACK reversal detected: the tracker must swap roles now.
        var flipRoles = false
        var missedBytes: UInt64 = 0
    }

    func endpoint(_ originatorSide: Bool) -> TCPEndpoint { originatorSide ? originator : responder }

    mutating func withEndpoints<R>(_ originatorSide: Bool, _ body: (inout TCPEndpoint, inout TCPEndpoint) -> R) -> R {
        if originatorSide {
            return body(&originator, &responder)
        } else {
            return body(&responder, &originator)
        }
    }

    mutating func flip() {
        swap(&originator, &responder)
        firstPacketSeen = ((firstPacketSeen & 1) << 1) | ((firstPacketSeen & 2) >> 1)
        isPartial = false
    }

    /// Partial status as Zeek's `SetPartialStatus`.
    mutating func setPartialStatus(_ flags: TCPFlags, originatorSide: Bool) {
        if originatorSide {
            if firstPacketSeen & 1 == 0 {
                isPartial = !flags.contains(.syn) || flags.contains(.ack)
            }
        } else {
            if firstPacketSeen & 2 == 0 && !isPartial {
                isPartial = !flags.contains(.syn)
            }
        }
    }

    var bothClosed: Bool { originator.didClose && responder.didClose }

    /// Stream blocks are held (or their storage kept) on either side.
    var holdsData: Bool {
        originator.pendingBytes != 0 || responder.pendingBytes != 0 || originator.pending.capacity != 0
            || responder.pending.capacity != 0
    }

    /// What the removal deadline depends on, as a small value.
    struct DeadlineFacts {
        var originator: TCPEndpointState
        var responder: TCPEndpointState
        var originatorClosed: Bool
        var responderClosed: Bool
        var closeComplete: Bool
        var partialClose: Bool
        var attemptStarted: Bool
    }

    /// The deadline facts. `mutating` (it changes nothing) so that callers reach the
    /// session in place inside its connection instead of copying both endpoints out.
    mutating func deadlineFacts() -> DeadlineFacts {
        DeadlineFacts(
            originator: originator.state, responder: responder.state, originatorClosed: originator.didClose,
            responderClosed: responder.didClose, closeComplete: closeComplete, partialClose: partialClose,
            attemptStarted: attemptStarted)
    }

    /// The deadline facts packed into one nonzero word, to tell cheaply whether they changed.
    /// `mutating` (it changes nothing) like `deadlineFacts`.
    @inline(__always)
    mutating func deadlineSignature() -> UInt32 {
        var word = UInt32(originator.state.rawValue) | UInt32(responder.state.rawValue) << 4 | 1 << 31
        if originator.didClose { word |= 1 << 8 }
        if responder.didClose { word |= 1 << 9 }
        if closeComplete { word |= 1 << 10 }
        if partialClose { word |= 1 << 11 }
        if attemptStarted { word |= 1 << 12 }
        return word
    }

    /// What the conn record reads of the session (states and payload sizes), as a small value.
    struct RecordFacts {
        var originatorState: TCPEndpointState
        var responderState: TCPEndpointState
        var originatorSize: UInt64
        var responderSize: UInt64
    }

    /// The record facts; `mutating` (it changes nothing) like `deadlineFacts`, so that callers
    /// reach the session in place instead of copying it out of its connection.
    mutating func recordFacts() -> RecordFacts {
        RecordFacts(
            originatorState: originator.state, responderState: responder.state,
            originatorSize: originator.size(peerState: responder.state),
            responderSize: responder.size(peerState: originator.state))
    }

    /// Processes one segment.
    ///
    /// - Parameters:
    ///   - payload: the captured payload, valid for the call (may be shorter than `length`).
    ///   - length: payload length according to the headers.
    ///   - deliver: receives in-order stream bytes `(fromOriginator, bytes)`.
    ///   - gap: receives content gaps `(fromOriginator, length)`.
    ///   - endOfStream: receives the side whose stream ended: its FIN was seen and every byte
    ///     before it delivered (Zeek's `EndpointEOF`); once per side.
    ///   - weird: receives weird names.
    mutating func process(
        originatorSide isOrig: Bool, segment: TCPSegmentInfo, payload: UnsafeRawBufferPointer, length: Int,
        history: inout ConnHistory,
        deliver: (Bool, UnsafeRawBufferPointer) -> Void,
        gap: (Bool, UInt64) -> Void,
        endOfStream: (Bool) -> Void,
        weird: (String) -> Void
    ) -> Outcome {
        var outcome = Outcome()
        let flags = segment.flags
        let baseSeq = segment.sequence
        let ackSeq = segment.acknowledgment

        setPartialStatus(flags, originatorSide: isOrig)

        var segmentLength = length
        if flags.contains(.syn) { segmentLength += 1 }
        if flags.contains(.fin) { segmentLength += 1 }
        if flags.contains(.rst) { segmentLength -= length }
        let seqOnePast = baseSeq &+ UInt32(truncatingIfNeeded: segmentLength)

        // init_endpoint
        withEndpoints(isOrig) { endpoint, _ in
            Self.initEndpoint(&endpoint, flags: flags, firstSeq: baseSeq, lastSeq: seqOnePast, weird: weird)
        }

        var underflow = false
        let relSeq = endpoint(isOrig).relativeSeq(
            baseSeq, last: endpoint(isOrig).lastSeq, wraps: endpoint(isOrig).seqWraps, underflow: &underflow)
        if underflow && !flags.contains(.rst) { weird("TCP_seq_underflow_or_misorder") }

        updateHistory(flags: flags, originatorSide: isOrig, relSeq: relSeq, length: length, history: &history)

        // Zero windows (Zeek's update_window, the part that feeds history).
        if segment.window == 0 && !flags.contains(.rst) {
            let peerClosed = endpoint(!isOrig).state == .closed
            let selfReset = endpoint(isOrig).state == .reset
            if !peerClosed && !selfReset {
                if withEndpoints(isOrig, { endpoint, _ in endpoint.zeroWindows.bump() }) {
                    history.add(UInt8(ascii: "W"), originator: isOrig)
                }
            }
        }

        if flags.contains(.fin) {
            withEndpoints(isOrig) { endpoint, _ in
                endpoint.finCount &+= 1
                endpoint.finSeq = relSeq &+ UInt64(truncatingIfNeeded: segmentLength)
            }
        }
        if flags.contains(.rst) {
            withEndpoints(isOrig) { endpoint, _ in endpoint.rstCount &+= 1 }
        }

        var relAck: UInt64 = 0
        if flags.contains(.ack) {
            if endpoint(!isOrig).state == .inactive {
                relAck = 1
                withEndpoints(isOrig) { endpoint, peer in
                    if !flags.contains(.syn) && !flags.contains(.fin) && !flags.contains(.rst)
                        && (endpoint.state == .synSent || endpoint.state == .synAckSent || endpoint.state == .established) {
                        weird("possible_split_routing")
                    }
                    peer.initStart(ackSeq &- 1)
                    peer.ackSeq = ackSeq &- 1
                    peer.lastSeq = ackSeq &- 1
                }
            } else {
                var ackUnderflow = false
                let peer = endpoint(!isOrig)
                relAck = peer.relativeSeq(ackSeq, last: peer.ackSeq, wraps: peer.ackWraps, underflow: &ackUnderflow)
                if ackUnderflow {
                    relAck = 0
                    weird("TCP_ack_underflow_or_misorder")
                } else if !flags.contains(.rst) {
                    withEndpoints(isOrig) { _, peer in
                        let delta = seqDelta(ackSeq, peer.ackSeq)
                        if ackSeq == 0 && delta > Self.tooLargeSeqDelta {
                            // A broken ack, more likely than a wrap onto 0.
                        } else if delta > 0 {
                            peer.updateAckSeq(ackSeq)
                        }
                    }
                }
            }
        }

        // update_last_seq
        let deltaLast: Int32 = withEndpoints(isOrig) { endpoint, _ in
            let delta = seqDelta(seqOnePast, endpoint.lastSeq)
            if (flags.contains(.syn) || flags.contains(.rst))
                && (delta > Self.tooLargeSeqDelta || delta < -Self.tooLargeSeqDelta) {
                // Untrustworthy.
            } else if flags.contains(.fin) && endpoint.lastSeq == endpoint.startSeq &+ 1 {
                endpoint.updateLastSeq(seqOnePast)
            } else if endpoint.state == .reset {
                // Don't trust sequence numbers after a reset.
            } else if delta > 0 {
                endpoint.updateLastSeq(seqOnePast)
            } else if length > 0 {
                if endpoint.retransmits.bump() {
                    history.add(UInt8(ascii: "T"), originator: isOrig)
                }
            }
            return delta
        }

        var doClose = false
        updateStateMachine(
            originatorSide: isOrig, flags: flags, baseSeq: baseSeq, ackSeq: ackSeq, length: length,
            deltaLast: deltaLast, doClose: &doClose, outcome: &outcome, weird: weird)

        if outcome.flipRoles {
            // The state machine flipped roles: from here on, this segment's sender is the responder.
            return outcome
        }

        if flags.contains(.ack) {
            ackReceived(byOriginator: isOrig, relAck: relAck, history: &history, outcome: &outcome, deliver: deliver, gap: gap)
        }

        // CheckPIA_FirstPacket
        firstPacketSeen |= isOrig ? 1 : 2

        let relDataSeq = flags.contains(.syn) ? relSeq &+ 1 : relSeq
        if length > 0 && !flags.contains(.rst) && !underflow {
            if payload.count >= length {
                dataSent(fromOriginator: isOrig, seq: relDataSeq, payload: UnsafeRawBufferPointer(rebasing: payload[0..<length]), deliver: deliver)
            } else {
                weird("truncated_tcp_payload")
            }
        }

        if doClose {
            connectionClosed(originatorSide: isOrig)
        }
        // A FIN (this segment's, or an earlier one whose data just completed) ends a stream.
        if originator.finCount > 0 || responder.finCount > 0 {
            if checkEndOfStream(true) { endOfStream(true) }
            if checkEndOfStream(false) { endOfStream(false) }
        }
        return outcome
    }

    /// True once, when the side's FIN was seen and its stream delivered up to the FIN.
    private mutating func checkEndOfStream(_ sideIsOrig: Bool) -> Bool {
        withEndpoints(sideIsOrig) { endpoint, _ in
            guard endpoint.finCount > 0, !endpoint.endOfStreamReported, endpoint.finSeq > 0,
                  endpoint.lastReassembledSeq >= endpoint.finSeq &- 1 else { return false }
            endpoint.endOfStreamReported = true
            return true
        }
    }

    // MARK: - Zeek's init_endpoint

    static func initEndpoint(_ endpoint: inout TCPEndpoint, flags: TCPFlags, firstSeq: UInt32, lastSeq: UInt32, weird: (String) -> Void) {
        switch endpoint.state {
        case .inactive:
            var last = lastSeq
            if flags.contains(.syn) {
                endpoint.ackSeq = firstSeq
                endpoint.initStart(firstSeq)
            } else {
                endpoint.ackSeq = firstSeq &- 1
                endpoint.initStart(firstSeq &- 1)
                last = firstSeq
            }
            endpoint.lastSeq = last
        case .synSent, .synAckSent:
            if flags.contains(.syn) && firstSeq != endpoint.startSeq {
                weird("SYN_seq_jump")
                endpoint.initStart(firstSeq)
                endpoint.ackSeq = firstSeq
                endpoint.lastSeq = lastSeq
            }
        case .established, .partial:
            if flags.contains(.syn) {
                if firstSeq != endpoint.startSeq { weird("SYN_seq_jump") }
                endpoint.initStart(firstSeq)
                endpoint.ackSeq = firstSeq
                endpoint.lastSeq = lastSeq
            }
        case .reset:
            if flags.contains(.syn) && endpoint.previousState == .inactive {
                endpoint.initStart(firstSeq)
                endpoint.ackSeq = firstSeq
                endpoint.lastSeq = lastSeq
            }
        case .closed:
            break
        }
    }

    // MARK: - History (Zeek's update_history)

    mutating func updateHistory(flags: TCPFlags, originatorSide isOrig: Bool, relSeq: UInt64, length: Int, history: inout ConnHistory) {
        let syn = flags.contains(.syn), fin = flags.contains(.fin), rst = flags.contains(.rst)
        let bitsSet = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0)
        if bitsSet > 1 {
            if fin && rst {
                history.check(.finRST, UInt8(ascii: "I"), originator: isOrig)
            } else {
                history.check(.multiFlag, UInt8(ascii: "Q"), originator: isOrig)
            }
        } else if bitsSet == 1 {
            withEndpoints(isOrig) { endpoint, _ in
                if syn {
                    let code = flags.contains(.ack) ? UInt8(ascii: "H") : UInt8(ascii: "S")
                    if history.check(.syn, code, originator: isOrig) && relSeq != endpoint.historyLastSYN {
                        history.add(code, originator: isOrig)
                    }
                    endpoint.historyLastSYN = relSeq
                }
                if fin {
                    let finAt = relSeq &+ UInt64(length)
                    if history.check(.fin, UInt8(ascii: "F"), originator: isOrig) && finAt != endpoint.historyLastFIN {
                        history.add(UInt8(ascii: "F"), originator: isOrig)
                    }
                    endpoint.historyLastFIN = finAt
                }
                if rst {
                    if history.check(.rst, UInt8(ascii: "R"), originator: isOrig) && relSeq != endpoint.historyLastRST {
                        history.add(UInt8(ascii: "R"), originator: isOrig)
                    }
                    endpoint.historyLastRST = relSeq
                }
            }
        } else {
            if length > 0 {
                history.check(.data, UInt8(ascii: "D"), originator: isOrig)
            } else if flags.contains(.ack) {
                history.check(.ack, UInt8(ascii: "A"), originator: isOrig)
            }
        }
    }
}

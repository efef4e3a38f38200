import PacketLayers

extension TCPSession {
    /// Zeek's `UpdateStateMachine`, dispatching on the sending endpoint's state.
    mutating func updateStateMachine(
        originatorSide isOrig: Bool, flags: TCPFlags, baseSeq: UInt32, ackSeq: UInt32, length: Int,
        deltaLast: Int32, doClose: inout Bool, outcome: inout Outcome, weird: (String) -> Void
    ) {
        switch endpoint(isOrig).state {
        case .inactive:
            updateInactive(isOrig, flags: flags, baseSeq: baseSeq, ackSeq: ackSeq, length: length, doClose: &doClose, outcome: &outcome, weird: weird)
        case .synSent, .synAckSent:
            updateSYNSent(isOrig, flags: flags, length: length, doClose: &doClose, weird: weird)
        case .established, .partial:
            updateEstablished(isOrig, flags: flags, doClose: &doClose, weird: weird)
        case .closed:
            updateClosed(isOrig, flags: flags, deltaLast: deltaLast, doClose: &doClose, weird: weird)
        case .reset:
            if flags.contains(.syn) { weird("SYN_after_reset") }
            if flags.contains(.fin) { weird("FIN_after_reset") }
            if length > 0 && !flags.contains(.rst) { weird("data_after_reset") }
        }
    }

    private mutating func updateInactive(
        _ isOrig: Bool, flags: TCPFlags, baseSeq: UInt32, ackSeq: UInt32, length: Int,
        doClose: inout Bool, outcome: inout Outcome, weird: (String) -> Void
    ) {
        if flags.contains(.syn) {
            if isOrig {
                if flags.contains(.ack) {
                    weird("connection_originator_SYN_ack")
                    originator.setState(.synAckSent)
                } else {
                    originator.setState(.synSent)
                }
                attemptStarted = true
            } else {
                if flags.contains(.ack) {
                    // bad_SYN_ack check omitted: informational only.
                } else if originator.state == .synAckSent && baseSeq == responder.startSeq {
                    // SYN/SYN-ACK reversal: flip the endpoints and establish.
                    isPartial = false
                    outcome.flipRoles = true
                    // After the flip, the old responder (sender of this SYN) is the originator.
                    flip()
                    // `responder` is now the endpoint that sent the SYN-ACK.
                    responder.setState(.established)
                    firstPacketSeen |= 1
                    originator.setState(.established)
                    return
                } else {
                    weird("simultaneous_open")
                }
                if originator.state == .synSent {
                    originator.setState(.established)
                } else if originator.state == .inactive {
                    weird("unsolicited_SYN_response")
                }
                responder.setState(.established)
            }
        }

        if flags.contains(.fin) {
            withEndpoints(isOrig) { endpoint, _ in endpoint.setState(.closed) }
            doClose = true
            if endpoint(!isOrig).state != .partial && !flags.contains(.syn) { weird("spontaneous_FIN") }
        }

        if flags.contains(.rst) {
            withEndpoints(isOrig) { endpoint, _ in endpoint.setState(.reset) }
            var isReject = false
            let peerState = endpoint(!isOrig).state
            if isOrig {
                if peerState == .established { isReject = true }
            } else if peerState == .synSent || peerState == .synAckSent {
                isReject = true
            }
            doClose = true
            if !isReject && peerState == .inactive { weird("spontaneous_RST") }
        }

        if endpoint(isOrig).state == .inactive {
            if !isOrig && length == 0 && originator.state == .synSent {
                // An early ACK of the SYN before the SYN-ACK: not partial.
            } else if flags.contains(.ack) && endpoint(!isOrig).state == .established {
                withEndpoints(isOrig) { endpoint, _ in endpoint.setState(.established) }
                isPartial = false
                firstPacketSeen |= isOrig ? 1 : 2
            } else {
                withEndpoints(isOrig) { endpoint, _ in endpoint.setState(.partial) }
            }
        }
    }

    private mutating func updateSYNSent(_ isOrig: Bool, flags: TCPFlags, length: Int, doClose: inout Bool, weird: (String) -> Void) {
        if flags.contains(.syn) {
            if isOrig {
                if flags.contains(.ack) && !flags.contains(.fin) && !flags.contains(.rst) && endpoint(isOrig).state != .synAckSent {
                    weird("repeated_SYN_with_ack")
                }
            } else if !flags.contains(.ack) && endpoint(isOrig).state != .synSent {
                weird("repeated_SYN_reply_wo_ack")
            }
        }
        if flags.contains(.fin) {
            let peerState = endpoint(!isOrig).state
            if peerState == .inactive || peerState == .synSent { weird("inappropriate_FIN") }
            withEndpoints(isOrig) { endpoint, _ in endpoint.setState(.closed) }
            doClose = true
        }
        if flags.contains(.rst) {
            withEndpoints(isOrig) { endpoint, _ in endpoint.setState(.reset) }
            doClose = true
        } else if length > 0 {
            weird("data_before_established")
        }
    }

    private mutating func updateEstablished(_ isOrig: Bool, flags: TCPFlags, doClose: inout Bool, weird: (String) -> Void) {
        if flags.contains(.syn) {
            if endpoint(isOrig).state == .partial && endpoint(!isOrig).state == .inactive && !flags.contains(.ack) {
                weird("SYN_after_partial")
                withEndpoints(isOrig) { endpoint, _ in endpoint.setState(.synSent) }
            }
        }
        if flags.contains(.fin) && !flags.contains(.rst) {
            withEndpoints(isOrig) { endpoint, peer in
                endpoint.setState(.closed)
                if peer.state == .reset && peer.previousState == .closed {
                    // FIN then RST from the peer: normal termination after all.
                    peer.setState(.closed)
                }
            }
            doClose = true
        }
        if flags.contains(.rst) {
            withEndpoints(isOrig) { endpoint, _ in endpoint.setState(.reset) }
            doClose = true
        }
    }

    private mutating func updateClosed(_ isOrig: Bool, flags: TCPFlags, deltaLast: Int32, doClose: inout Bool, weird: (String) -> Void) {
        if flags.contains(.syn) { weird("SYN_after_close") }
        if flags.contains(.fin) && deltaLast > 0 { weird("FIN_advanced_last_seq") }
        if flags.contains(.rst) && endpoint(!isOrig).state != .closed {
            withEndpoints(isOrig) { endpoint, _ in
                endpoint.setState(.reset)
                if !endpoint.didClose { doClose = true }
            }
            // A RST after FIN: Zeek's reset timer removes the connection soon.
            closeComplete = true
        }
    }

    /// Zeek's `ConnectionClosed` (timer bookkeeping only).
    mutating func connectionClosed(originatorSide isOrig: Bool) {
        let alreadyClosed = endpoint(isOrig).didClose
        if alreadyClosed { return }
        withEndpoints(isOrig) { endpoint, _ in endpoint.didClose = true }
        // The few fields needed, not copies of both endpoints (with their block lists).
        let (closingState, closingPrevious, peerClosed, peerState) = withEndpoints(isOrig) { closing, peer in
            (closing.state, closing.previousState, peer.didClose, peer.state)
        }
        if closingState == .reset || peerClosed || peerState == .inactive {
            closeComplete = true
        } else if closingPrevious == .inactive {
            partialClose = true
        }
    }

    /// Zeek's is-reuse test: a new SYN on this 5-tuple starts a new connection.
    /// `mutating` (it changes nothing) so that callers reach the session in place inside its
    /// connection instead of copying both endpoints out.
    mutating func isReuse(flags: TCPFlags, sequence: UInt32, originatorSide isOrig: Bool) -> Bool {
        guard flags.contains(.syn) else { return false }
        // The connection originator's start and state (the responder's, for a SYN-ACK).
        var originatorStart = originator.startSeq
        var originatorState = originator.state
        if flags.contains(.ack) {
            if originator.state != .inactive { return false }
            originatorStart = responder.startSeq
            originatorState = responder.state
        }
        let closed = bothClosed || originator.state == .reset || responder.state == .reset
        if !closed {
            if sequence == originatorStart { return false }
            if !flags.contains(.ack) && originatorState == .synAckSent && responder.state == .inactive
                && sequence == responder.startSeq {
                return false
            }
            // A SYN with a new sequence number on a live connection: Zeek reports
            // SYN_seq_jump or active_connection_reuse and starts over.
            return true
        }
        return true
    }
}

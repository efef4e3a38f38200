import FleetModel

/// The timeouts of `FlowConfiguration` that decide when a connection is removed, kept apart
/// in a small value: the deadline is evaluated for every packet, and reaching it through the
/// whole configuration made the compiler copy that (a few hundred bytes) each time.
struct ConnectionTimeouts: Sendable {
    var tcpInactivity: NetworkDuration
    var udpInactivity: NetworkDuration
    var icmpInactivity: NetworkDuration
    var tcpCloseDelay: NetworkDuration
    var tcpAttemptDelay: NetworkDuration

    init(_ configuration: FlowConfiguration) {
        tcpInactivity = configuration.tcpInactivityTimeout
        udpInactivity = configuration.udpInactivityTimeout
        icmpInactivity = configuration.icmpInactivityTimeout
        tcpCloseDelay = configuration.tcpCloseDelay
        tcpAttemptDelay = configuration.tcpAttemptDelay
    }

    /// When the connection should be removed if nothing else happens, and whether
    /// that deadline is unconditional (inactivity) or state-based.
    func removalDeadline(_ connection: Connection) -> (time: NetworkTime, reason: FlowTracker.RemovalReason) {
        switch connection.transport {
        case .udp, .unknown:
            var timeout = udpInactivity
            if let analyzerTimeout = connection.analyzerTimeout, analyzerTimeout < timeout { timeout = analyzerTimeout }
            return (connection.lastTime + timeout, .timeout)
        case .icmp:
            return (connection.lastTime + icmpInactivity, .timeout)
        case .tcp:
            // Read in place: copying the session out would copy both endpoints every packet.
            let facts = connection.tcp.deadlineFacts()
            if facts.closeComplete {
                return (connection.lastTime + tcpCloseDelay, .closed)
            }
            let originator = facts.originator, responder = facts.responder
            var best = (time: connection.lastTime + (originator.isHandshake && responder.isHandshake
                ? udpInactivity : tcpInactivity), reason: FlowTracker.RemovalReason.timeout)
            // Unanswered SYN: Zeek's attempt timer.
            if facts.attemptStarted && (originator == .synSent || originator == .synAckSent) && responder == .inactive {
                let attempt = connection.startTime + tcpAttemptDelay
                if attempt < best.time { best = (attempt, .timeout) }
            }
            // Zeek's expire timer: one side closed and the other closed, reset or silent;
            // or nothing valid was ever seen.
            let bothClosed = facts.originatorClosed && facts.responderClosed
            let anyClosed = facts.originatorClosed || facts.responderClosed
            let anyReset = originator == .reset || responder == .reset
            let anyInactive = originator == .inactive || responder == .inactive
            if (anyClosed && (bothClosed || anyReset || anyInactive))
                || (originator == .inactive && responder == .inactive) {
                let linger = connection.lastTime + tcpCloseDelay
                if linger < best.time { best = (linger, .closed) }
            }
            if facts.partialClose && originator != .inactive && responder != .inactive && !bothClosed && !anyReset {
                let partial = connection.lastTime + NetworkDuration.seconds(3)
                if partial < best.time { best = (partial, .closed) }
            }
            return best
        }
    }
}

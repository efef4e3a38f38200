/// TCP endpoint states, as Zeek names them.
enum TCPEndpointState: UInt8, Sendable {
    case inactive, synSent, synAckSent, partial, established, closed, reset

    var isHandshake: Bool { self == .inactive || self == .synSent || self == .synAckSent }
    var isInactiveOrPartial: Bool { self == .inactive || self == .partial }
}

/// Signed distance between two sequence numbers (Zeek's `seq_delta`).
@inline(__always)
func seqDelta(_ a: UInt32, _ b: UInt32) -> Int32 { Int32(bitPattern: a &- b) }

/// A block of stream data waiting for a hole before it to fill.
struct PendingBlock: Sendable {
    var seq: UInt64
    var upper: UInt64
    var bytes: [UInt8]
}

/// One side of a TCP connection: sequence space, state, and the reassembly
/// cursor used for gap accounting and in-order delivery.
struct TCPEndpoint: Sendable {
    var state: TCPEndpointState = .inactive
    var previousState: TCPEndpointState = .inactive

    var startSeq: UInt32 = 0
    var lastSeq: UInt32 = 0
    var ackSeq: UInt32 = 0
    var seqWraps: UInt32 = 0
    var ackWraps: UInt32 = 0

    var synCount: UInt32 = 0
    var finCount: UInt32 = 0
    var rstCount: UInt32 = 0
    /// Relative sequence just past the FIN.
    var finSeq: UInt64 = 0
    var didClose = false
    /// The end of this side's stream (its FIN, every byte before it delivered) was reported.
    var endOfStreamReported = false

    var historyLastSYN: UInt64 = 0
    var historyLastFIN: UInt64 = 0
    var historyLastRST: UInt64 = 0

    var retransmits = ScaledCounter()
    var gaps = ScaledCounter()
    var checksumErrors = ScaledCounter()
    var zeroWindows = ScaledCounter()

    /// Next relative sequence number to deliver in order.
    var lastReassembledSeq: UInt64 = 1
    /// Everything below this has been acknowledged and forgotten.
    var trimSeq: UInt64 = 1
    var pending: [PendingBlock] = []
    var pendingBytes = 0

    mutating func setState(_ newState: TCPEndpointState) {
        guard newState != state else { return }
        previousState = state
        state = newState
    }

    mutating func initStart(_ seq: UInt32) {
        startSeq = seq
    }

    mutating func updateLastSeq(_ seq: UInt32) {
        if seq < lastSeq { seqWraps &+= 1 }
        lastSeq = seq
    }

    mutating func updateAckSeq(_ seq: UInt32) {
        if seq < ackSeq { ackWraps &+= 1 }
        ackSeq = seq
    }

    @inline(__always)
    static func full(_ seq: UInt32, wraps: UInt32) -> UInt64 { UInt64(wraps) << 32 | UInt64(seq) }

    func relative(_ seq: UInt32, wraps: UInt32) -> UInt64 {
        Self.full(seq, wraps: wraps) &- UInt64(startSeq)
    }

    /// Zeek's `get_relative_seq`: where `current` lies relative to the start,
    /// following wraps from `last`; `underflow` when it lies before the start.
    func relativeSeq(_ current: UInt32, last: UInt32, wraps: UInt32, underflow: inout Bool) -> UInt64 {
        var wraps = wraps
        let delta = seqDelta(current, last)
        if delta < 0 {
            if wraps > 0 && current > last { wraps -= 1 }
        } else if delta > 0 {
            if current < last { wraps &+= 1 }
        }
        if wraps == 0 {
            let fromStart = seqDelta(current, startSeq)
            if fromStart < 0 { underflow = true }
            return UInt64(bitPattern: Int64(fromStart))
        }
        return relative(current, wraps: wraps)
    }

    var noDataAcked: Bool {
        let ack = Self.full(ackSeq, wraps: ackWraps)
        let start = UInt64(startSeq)
        return ack == start || ack == start &+ 1
    }

    /// Payload bytes sent, from sequence numbers (Zeek's `TCP_Endpoint::Size`).
    func size(peerState: TCPEndpointState) -> UInt64 {
        if previousState == .synSent && state == .reset && peerState == .inactive && !noDataAcked {
            return 0
        }
        let last = Self.full(lastSeq, wraps: seqWraps)
        let ack = Self.full(ackSeq, wraps: ackWraps)
        let start = UInt64(startSeq)
        var size = (last > ack ? last : ack) &- start
        if size != 0 { size -= 1 }
        if finCount > 0 && size != 0 { size -= 1 }
        // A wildly negative result means sequence numbers were not trustworthy.
        if size > UInt64(Int64.max) { return 0 }
        return size
    }

    /// True while the connection is established or closing cleanly (Zeek's `is_clean`).
    var isClean: Bool {
        state == .established || (state == .closed && previousState == .established)
    }
}

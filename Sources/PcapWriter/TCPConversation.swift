public import FleetModel

/// Builds one TCP connection packet by packet with consistent sequence and
/// acknowledgment numbers, in packet-time order.
///
/// Frames accumulate in `frames`; `takeFrames()` hands them over. The conversation's
/// clock (`time`) advances with every packet: back-to-back segments `segmentGap`
/// apart, replies half a round trip later.
public struct TCPConversation: Sendable {
    /// Which side sends.
    public enum Side: Sendable, Hashable {
        case client, server
    }

    public let client: Endpoint
    public let server: Endpoint
    /// Builders for frames sent by each side (MAC addresses mirrored).
    public var clientBuilder: PacketBuilder
    public var serverBuilder: PacketBuilder
    /// Next sequence number each side will send.
    public private(set) var clientNext: UInt32
    public private(set) var serverNext: UInt32
    /// Time of the next packet.
    public var time: NetworkTime
    public var roundTrip: NetworkDuration
    public var segmentGap = NetworkDuration(microseconds: 20)
    /// Largest payload per segment.
    public var maximumSegmentSize = 1448
    /// Receiver window advertised by both sides.
    public var window: UInt16 = 64_240
    /// Frames built and not yet taken.
    public private(set) var frames: [TimedFrame] = []

    /// - Parameters:
    ///   - client: the originator (sends the SYN).
    ///   - server: the responder.
    ///   - start: time of the first packet.
    ///   - clientISN: client's initial sequence number (the SYN's).
    ///   - serverISN: server's initial sequence number.
    ///   - roundTrip: time from a packet to its reply.
    ///   - builder: template for the client's frames; the server's mirror its MACs.
    public init(
        client: Endpoint, server: Endpoint, start: NetworkTime, clientISN: UInt32 = 1_000, serverISN: UInt32 = 5_000,
        roundTrip: NetworkDuration = NetworkDuration(microseconds: 20_000), builder: PacketBuilder = PacketBuilder()
    ) {
        self.client = client
        self.server = server
        time = start
        self.roundTrip = roundTrip
        clientNext = clientISN
        serverNext = serverISN
        clientBuilder = builder
        serverBuilder = builder
        serverBuilder.sourceMAC = builder.destinationMAC
        serverBuilder.destinationMAC = builder.sourceMAC
        serverBuilder.ipIdentification = builder.ipIdentification &+ 0x4000
    }

    /// Half the round trip (time between a packet and the other side's answer).
    public var halfRoundTrip: NetworkDuration { NetworkDuration(microseconds: max(roundTrip.microseconds / 2, 1)) }

    /// Moves the clock forward (idle time).
    public mutating func advance(by duration: NetworkDuration) {
        time = time + duration
    }

    /// SYN, SYN-ACK, ACK.
    public mutating func handshake() {
        let mss: [UInt8] = [2, 4, UInt8(truncatingIfNeeded: maximumSegmentSize >> 8), UInt8(truncatingIfNeeded: maximumSegmentSize)]
        segment(from: .client, flags: [.syn], options: mss + [1, 3, 3, 7], consumes: 1, acknowledging: false)
        advance(by: halfRoundTrip)
        segment(from: .server, flags: [.syn, .ack], options: mss + [1, 3, 3, 7], consumes: 1)
        advance(by: halfRoundTrip)
        segment(from: .client, flags: [.ack])
        advance(by: segmentGap)
    }

    /// Sends `payload` from `side`, split into MSS-sized segments (PSH on the last),
    /// then the other side acknowledges (one ACK per two segments) unless `acknowledge` is false.
    public mutating func send(_ payload: [UInt8], from side: Side, acknowledge: Bool = true) {
        guard !payload.isEmpty else { return }
        var offset = 0
        var unacknowledged = 0
        while offset < payload.count {
            let end = min(offset + maximumSegmentSize, payload.count)
            let last = end == payload.count
            segment(from: side, flags: last ? [.ack, .psh] : [.ack], payload: Array(payload[offset..<end]))
            offset = end
            unacknowledged += 1
            if acknowledge && unacknowledged == 2 && !last {
                advance(by: segmentGap)
                segment(from: side.other, flags: [.ack])
                unacknowledged = 0
            }
            advance(by: segmentGap)
        }
        if acknowledge {
            advance(by: halfRoundTrip)
            segment(from: side.other, flags: [.ack])
        }
        advance(by: segmentGap)
    }

    /// Orderly close started by `side`: FIN, FIN-ACK, ACK.
    public mutating func close(from side: Side) {
        segment(from: side, flags: [.fin, .ack], consumes: 1)
        advance(by: halfRoundTrip)
        segment(from: side.other, flags: [.fin, .ack], consumes: 1)
        advance(by: halfRoundTrip)
        segment(from: side, flags: [.ack])
        advance(by: segmentGap)
    }

    /// Abort by `side`: one RST (with ACK).
    public mutating func reset(from side: Side) {
        segment(from: side, flags: [.rst, .ack])
        advance(by: segmentGap)
    }

    /// One raw segment from `side` at the current time, advancing that side's sequence
    /// number by the payload length plus `consumes` (1 for SYN/FIN).
    public mutating func segment(
        from side: Side, flags: TCPHeaderFlags, options: [UInt8] = [], payload: [UInt8] = [],
        consumes: UInt32 = 0, acknowledging: Bool = true
    ) {
        let flags = acknowledging ? flags : flags.subtracting(.ack)
        let bytes: [UInt8]
        switch side {
        case .client:
            bytes = clientBuilder.tcp(
                from: client, to: server, sequence: clientNext, acknowledgment: flags.contains(.ack) ? serverNext : 0,
                flags: flags, window: window, options: options, payload: payload
            )
            clientNext &+= UInt32(truncatingIfNeeded: payload.count) &+ consumes
        case .server:
            bytes = serverBuilder.tcp(
                from: server, to: client, sequence: serverNext, acknowledgment: flags.contains(.ack) ? clientNext : 0,
                flags: flags, window: window, options: options, payload: payload
            )
            serverNext &+= UInt32(truncatingIfNeeded: payload.count) &+ consumes
        }
        frames.append(TimedFrame(time: time, bytes: bytes))
    }

    /// Returns the frames built so far and forgets them.
    public mutating func takeFrames() -> [TimedFrame] {
        let taken = frames
        frames = []
        return taken
    }
}

extension TCPConversation.Side {
    /// The peer.
    public var other: TCPConversation.Side { self == .client ? .server : .client }
}

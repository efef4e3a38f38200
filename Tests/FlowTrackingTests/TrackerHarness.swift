import FleetModel
import FlowTracking
import PacketLayers

/// Drives a FlowTracker with hand-made packets (no decoder involved).
struct TrackerHarness {
    var tracker: FlowTracker
    var clock: Int64 = 1_000_000_000_000_000

    init(configuration: FlowConfiguration = FlowConfiguration()) {
        tracker = FlowTracker(configuration: configuration)
    }

    static let client = IPAddress("10.0.0.1")!
    static let server = IPAddress("93.184.216.34")!

    mutating func advance(_ microseconds: Int64) { clock += microseconds }

    mutating func tcp(
        from source: IPAddress = client, _ sourcePort: UInt16 = 40000, to destination: IPAddress = server, _ destinationPort: UInt16 = 80,
        flags: TCPFlags, seq: UInt32, ack: UInt32 = 0, payload: [UInt8] = [], window: UInt16 = 1024, checksumValid: Bool = true
    ) {
        let packet = DecodedPacket(
            timestamp: NetworkTime(microseconds: clock), source: source, destination: destination, ipProto: 6,
            ipLength: 40 + payload.count, sourcePort: sourcePort, destinationPort: destinationPort,
            tcp: TCPSegmentInfo(sequence: seq, acknowledgment: ack, flags: flags, window: window),
            payload: 0..<payload.count, payloadLength: payload.count, checksumValid: checksumValid)
        payload.withUnsafeBytes { tracker.receive(packet, bytes: $0) }
    }

    mutating func udp(
        from source: IPAddress = client, _ sourcePort: UInt16 = 40000, to destination: IPAddress = server, _ destinationPort: UInt16 = 53,
        payload: [UInt8]
    ) {
        let packet = DecodedPacket(
            timestamp: NetworkTime(microseconds: clock), source: source, destination: destination, ipProto: 17,
            ipLength: 28 + payload.count, sourcePort: sourcePort, destinationPort: destinationPort,
            payload: 0..<payload.count, payloadLength: payload.count)
        payload.withUnsafeBytes { tracker.receive(packet, bytes: $0) }
    }

    mutating func icmp(from source: IPAddress = client, to destination: IPAddress = server, type: UInt8, code: UInt8 = 0, payloadLength: Int = 56) {
        let packet = DecodedPacket(
            timestamp: NetworkTime(microseconds: clock), source: source, destination: destination, ipProto: 1,
            ipLength: 28 + payloadLength, icmpType: type, icmpCode: code, payload: 0..<0, payloadLength: payloadLength)
        [UInt8]().withUnsafeBytes { tracker.receive(packet, bytes: $0) }
    }

    /// Ends the input and returns every conn record.
    mutating func finish() -> [ConnRecord] {
        tracker.finishAll()
        return tracker.drain().conns
    }
}

public import FleetModel

/// The connection an application analyzer works for.
public struct ConnContext: Sendable, Hashable {
    public var uid: String
    public var id: ConnID
    public var proto: TransportProtocol

    public init(uid: String, id: ConnID, proto: TransportProtocol) {
        self.uid = uid
        self.id = id
        self.proto = proto
    }
}

/// What an analyzer concluded about the bytes it has seen so far.
public enum AnalyzerStatus: Sendable, Hashable {
    /// Not yet sure; keep feeding.
    case pending
    /// The protocol is confirmed: its name goes into conn.log `service`.
    case confirmed
    /// Not this protocol: the tracker stops feeding this analyzer.
    case rejected
}

/// A per-connection application-layer analyzer (DNS, HTTP, TLS, SSH, ...).
///
/// The flow tracker owns one value per connection and feeds it in-order stream
/// data (TCP, after reassembly) or whole datagrams (UDP). Analyzers append the
/// records they complete to `output`. They must bound every buffer they keep.
public protocol AppAnalyzer: Sendable {
    /// Name logged in conn.log `service` once confirmed (`http`, `dns`, `ssl`, `ssh`).
    static var service: String { get }

    /// Delivers payload: one datagram (UDP) or the next in-order stream bytes (TCP).
    mutating func deliver(
        _ data: UnsafeRawBufferPointer, fromOriginator: Bool, at time: NetworkTime,
        context: ConnContext, output: inout RecordBatch
    ) -> AnalyzerStatus

    /// A hole of `length` bytes in one direction's TCP stream (content gap).
    mutating func gap(length: Int, fromOriginator: Bool, at time: NetworkTime, context: ConnContext, output: inout RecordBatch)

    /// One direction's TCP stream ended: its FIN was seen and every byte before it delivered
    /// (Zeek's `EndpointEOF`). Called at most once per direction, before `finish`.
    mutating func endOfStream(fromOriginator: Bool, at time: NetworkTime, context: ConnContext, output: inout RecordBatch)

    /// The connection ended or is being flushed: emit whatever is pending.
    mutating func finish(at time: NetworkTime, context: ConnContext, output: inout RecordBatch)

    /// Makes the analyzer as new, for another connection, keeping only the storage of its
    /// scratch buffers (the tracker reuses finished analyzers). Returns false when the analyzer
    /// cannot be reused (the default); it is then dropped.
    mutating func resetForReuse() -> Bool
}

extension AppAnalyzer {
    /// Default: the end of one direction changes nothing; `finish` emits what is pending.
    public mutating func endOfStream(fromOriginator: Bool, at time: NetworkTime, context: ConnContext, output: inout RecordBatch) {}

    /// Default: not reusable.
    public mutating func resetForReuse() -> Bool { false }
}

extension Array {
    /// Removes every element, keeping the storage: one by one, which for the few parser events
    /// of a segment costs less than `removeAll(keepingCapacity:)` (the generic `replaceSubrange`).
    @inline(__always)
    mutating func emptyKeepingCapacity() {
        while !isEmpty { removeLast() }
    }
}

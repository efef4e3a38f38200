/// One weird.log row: something malformed or unexpected in the traffic.
public struct WeirdRecord: Sendable, Hashable, Codable {
    public var ts: NetworkTime
    /// Set when the weird belongs to a tracked connection.
    public var uid: String?
    /// Endpoints when known (packet-level weirds may have addresses but no connection).
    public var id: ConnID?
    /// Zeek-style name, e.g. `truncated_IP`, `bad_TCP_checksum`.
    public var name: String
    public var addl: String?
    public var notice: Bool
    public var peer: String
    /// The layer that raised it: `ETHERNET`, `IP`, `TCP`, `DNS`, ...
    public var source: String?

    @inlinable
    public init(
        ts: NetworkTime, uid: String? = nil, id: ConnID? = nil, name: String, addl: String? = nil,
        notice: Bool = false, peer: String = "zeek", source: String? = nil
    ) {
        self.ts = ts
        self.uid = uid
        self.id = id
        self.name = name
        self.addl = addl
        self.notice = notice
        self.peer = peer
        self.source = source
    }
}

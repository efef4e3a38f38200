/// One dns.log row: a query and its response(s), paired by transaction id.
public struct DNSRecord: Sendable, Hashable, Codable {
    public var ts: NetworkTime
    public var uid: String
    public var id: ConnID
    public var proto: TransportProtocol
    public var transactionID: UInt16?
    /// Time from query to first response.
    public var rtt: NetworkDuration?
    public var query: String?
    public var qclass: UInt16?
    public var qtype: UInt16?
    public var rcode: UInt16?
    public var authoritative: Bool
    public var truncated: Bool
    public var recursionDesired: Bool
    public var recursionAvailable: Bool
    public var z: UInt16
    /// Answer data in text form (addresses, names, TXT strings, ...), in message order.
    public var answers: [String]
    /// TTL of each answer, in seconds, aligned with `answers`.
    public var ttls: [UInt32]
    public var rejected: Bool
    public var opcode: UInt16?

    @inlinable
    public init(
        ts: NetworkTime, uid: String, id: ConnID, proto: TransportProtocol, transactionID: UInt16? = nil,
        rtt: NetworkDuration? = nil, query: String? = nil, qclass: UInt16? = nil, qtype: UInt16? = nil,
        rcode: UInt16? = nil, authoritative: Bool = false, truncated: Bool = false,
        recursionDesired: Bool = false, recursionAvailable: Bool = false, z: UInt16 = 0,
        answers: [String] = [], ttls: [UInt32] = [], rejected: Bool = false, opcode: UInt16? = nil
    ) {
        self.ts = ts
        self.uid = uid
        self.id = id
        self.proto = proto
        self.transactionID = transactionID
        self.rtt = rtt
        self.query = query
        self.qclass = qclass
        self.qtype = qtype
        self.rcode = rcode
        self.authoritative = authoritative
        self.truncated = truncated
        self.recursionDesired = recursionDesired
        self.recursionAvailable = recursionAvailable
        self.z = z
        self.answers = answers
        self.ttls = ttls
        self.rejected = rejected
        self.opcode = opcode
    }
}

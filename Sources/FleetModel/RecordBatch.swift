/// Records produced by the pipeline, in the order they were completed.
///
/// Producers append; the owner drains (`take()`) and writes or ships them.
public struct RecordBatch: Sendable, Hashable, Codable {
    public var conns: [ConnRecord] = []
    public var dns: [DNSRecord] = []
    public var http: [HTTPRecord] = []
    public var ssl: [SSLRecord] = []
    public var weirds: [WeirdRecord] = []

    public init() {}

    public var isEmpty: Bool {
        conns.isEmpty && dns.isEmpty && http.isEmpty && ssl.isEmpty && weirds.isEmpty
    }

    public var count: Int { conns.count + dns.count + http.count + ssl.count + weirds.count }

    /// Returns the accumulated records and leaves this batch empty.
    public mutating func take() -> RecordBatch {
        let taken = self
        self = RecordBatch()
        return taken
    }

    public mutating func append(contentsOf other: RecordBatch) {
        conns.append(contentsOf: other.conns)
        dns.append(contentsOf: other.dns)
        http.append(contentsOf: other.http)
        ssl.append(contentsOf: other.ssl)
        weirds.append(contentsOf: other.weirds)
    }
}

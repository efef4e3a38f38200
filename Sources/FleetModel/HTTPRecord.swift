/// One http.log row: a request and its reply on one connection.
public struct HTTPRecord: Sendable, Hashable, Codable {
    public var ts: NetworkTime
    public var uid: String
    public var id: ConnID
    /// 1-based position of this request on its connection.
    public var transDepth: UInt32
    public var method: String?
    public var host: String?
    /// URI as Zeek logs it (percent-decoded where Zeek decodes).
    public var uri: String?
    public var referrer: String?
    /// Version of the reply.
    public var version: String?
    public var userAgent: String?
    public var origin: String?
    public var requestBodyLength: UInt64
    public var responseBodyLength: UInt64
    public var statusCode: UInt16?
    public var statusMessage: String?
    public var infoCode: UInt16?
    public var infoMessage: String?
    public var tags: [String]
    public var username: String?
    public var password: String?
    public var proxied: [String]
    /// Fleetwatch extension: the request target exactly as on the wire.
    public var uriRaw: String?

    @inlinable
    public init(
        ts: NetworkTime, uid: String, id: ConnID, transDepth: UInt32, method: String? = nil, host: String? = nil,
        uri: String? = nil, referrer: String? = nil, version: String? = nil, userAgent: String? = nil,
        origin: String? = nil, requestBodyLength: UInt64 = 0, responseBodyLength: UInt64 = 0,
        statusCode: UInt16? = nil, statusMessage: String? = nil, infoCode: UInt16? = nil,
        infoMessage: String? = nil, tags: [String] = [], username: String? = nil, password: String? = nil,
        proxied: [String] = [], uriRaw: String? = nil
    ) {
        self.ts = ts
        self.uid = uid
        self.id = id
        self.transDepth = transDepth
        self.method = method
        self.host = host
        self.uri = uri
        self.referrer = referrer
        self.version = version
        self.userAgent = userAgent
        self.origin = origin
        self.requestBodyLength = requestBodyLength
        self.responseBodyLength = responseBodyLength
        self.statusCode = statusCode
        self.statusMessage = statusMessage
        self.infoCode = infoCode
        self.infoMessage = infoMessage
        self.tags = tags
        self.username = username
        self.password = password
        self.proxied = proxied
        self.uriRaw = uriRaw
    }
}

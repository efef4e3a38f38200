/// One ssl.log row: what the TLS (or DTLS) handshake showed in clear.
public struct SSLRecord: Sendable, Hashable, Codable {
    public var ts: NetworkTime
    public var uid: String
    public var id: ConnID
    /// Negotiated version name (`TLSv12`, `TLSv13`, `DTLSv12`, ...).
    public var version: String?
    /// Cipher suite name as IANA spells it (`TLS_AES_128_GCM_SHA256`).
    public var cipher: String?
    public var curve: String?
    /// SNI from the ClientHello.
    public var serverName: String?
    public var resumed: Bool
    public var lastAlert: String?
    public var nextProtocol: String?
    public var established: Bool
    public var sslHistory: String?

    @inlinable
    public init(
        ts: NetworkTime, uid: String, id: ConnID, version: String? = nil, cipher: String? = nil,
        curve: String? = nil, serverName: String? = nil, resumed: Bool = false, lastAlert: String? = nil,
        nextProtocol: String? = nil, established: Bool = false, sslHistory: String? = nil
    ) {
        self.ts = ts
        self.uid = uid
        self.id = id
        self.version = version
        self.cipher = cipher
        self.curve = curve
        self.serverName = serverName
        self.resumed = resumed
        self.lastAlert = lastAlert
        self.nextProtocol = nextProtocol
        self.established = established
        self.sslHistory = sslHistory
    }
}

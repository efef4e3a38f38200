public import FleetModel
import ProtocolParsers

/// TLS over TCP and DTLS over UDP: one `SSLRecord` per connection, written on `finish`
/// when a ClientHello or ServerHello was seen.
///
/// Confirms once the client sent a ClientHello and the server answered with well-formed
/// TLS records (as Zeek, a ClientHello alone does not make a connection `ssl`); rejects on
/// the first bytes from either side that are not TLS records.
public struct SSLAnalyzer: AppAnalyzer {
    public static let service = "ssl"
    /// Zeek's `SSL::max_ssl_history_length`.
    public static let maxHistoryLength = 100

    private var client: TLSStreamParser? = nil
    private var server: TLSStreamParser? = nil
    private var record: SSLRecord? = nil
    /// `ssl_history` letters (ASCII), made a String once, on `finish`.
    private var history: [UInt8] = []
    private var clientSessionID: [UInt8] = []
    private var clientCCS = false
    private var serverCCS = false
    private var clientAppData = false
    private var serverAppData = false
    private var confirmed = false
    private var sawClientHello = false
    private var cipherIsECDH = false
    private var events: [TLSEvent] = []

    public init() {}

    /// Whether a fresh analyzer surely rejects these first bytes: a complete TLS record
    /// header (5 bytes) or any DTLS datagram whose content type is not 20...26 makes
    /// `TLSStreamParser` fail before any event, and a failure before confirmation rejects.
    /// Keep in step with `TLSStreamParser.feed`.
    static func rejectsFirst(_ data: UnsafeRawBufferPointer, datagram: Bool) -> Bool {
        guard let type = data.first, data.count >= (datagram ? 1 : 5) else { return false }
        return !(20...26).contains(type)
    }

    public mutating func deliver(
        _ data: UnsafeRawBufferPointer, fromOriginator: Bool, at time: NetworkTime,
        context: ConnContext, output: inout RecordBatch
    ) -> AnalyzerStatus {
        let dtls = context.proto == .udp
        events.emptyKeepingCapacity()
        // The parser is fed where it is stored (optional chaining mutates in place): copying
        // it out and back cost more than the parsing of most segments.
        let failed: Bool
        if fromOriginator {
            if client == nil { client = TLSStreamParser(isDTLS: dtls) }
            client?.feed(data, events: &events)
            failed = client?.failed != nil
        } else {
            if server == nil { server = TLSStreamParser(isDTLS: dtls) }
            server?.feed(data, events: &events)
            failed = server?.failed != nil
        }
        if !events.isEmpty {
            // Applied where they lie (moved out of `self` for the mutating `apply`): iterating the
            // array copied every event, hello payloads included.
            var current: [TLSEvent] = []
            swap(&current, &events)
            current.withUnsafeBufferPointer { buffer in
                for index in buffer.indices { apply(buffer[index], fromOriginator: fromOriginator, at: time, context: context) }
            }
            swap(&current, &events)
        }
        if failed && !confirmed { return .rejected }
        if !confirmed, sawClientHello, let seen = server?.recordsSeen, seen > 0, server?.failed == nil { confirmed = true }
        return confirmed ? .confirmed : .pending
    }

    public mutating func gap(
        length: Int, fromOriginator: Bool, at time: NetworkTime, context: ConnContext, output: inout RecordBatch
    ) {
        // Record framing is lost in that direction: stop parsing it.
        var parser = TLSStreamParser(isDTLS: false)
        var ignored: [TLSEvent] = []
        // A parser fed a non-TLS byte fails permanently.
        withUnsafeBytes(of: UInt8(0)) { parser.feed($0, events: &ignored) }
        if fromOriginator { client = parser } else { server = parser }
    }

    public mutating func finish(at time: NetworkTime, context: ConnContext, output: inout RecordBatch) {
        // Completed in place, then moved out (a mutable local copy was copied again into the batch).
        guard self.record != nil else { return }
        self.record?.sslHistory = history.isEmpty ? nil : String(decoding: history, as: UTF8.self)
        self.record?.established = (clientCCS && serverCCS) || (clientAppData && serverAppData)
        if let record = self.record.take() { output.ssl.append(record) }
    }

    private mutating func apply(_ event: TLSEvent, fromOriginator: Bool, at time: NetworkTime, context: ConnContext) {
        switch event {
        case .handshake(let type):
            appendHistory(TLSEvent.historyByte(handshakeType: type), fromOriginator: fromOriginator)
        case .clientHello(let hello):
            sawClientHello = true
            ensureRecord(at: time, context: context)
            if record?.serverName == nil { record?.serverName = hello.serverName }
            clientSessionID = hello.sessionID
        case .serverHello(let hello):
            ensureRecord(at: time, context: context)
            record?.version = TLSNames.version(hello.negotiatedVersion)
            let cipher = TLSNames.cipher(hello.cipherSuite)
            record?.cipher = cipher
            cipherIsECDH = Self.containsECDH(cipher)
            if let group = hello.keyShareGroup { record?.curve = TLSNames.curve(group) }
            if !hello.sessionID.isEmpty && hello.sessionID == clientSessionID && hello.selectedVersion == nil {
                record?.resumed = true
            }
        case .serverKeyExchangeCurve(let curve):
            if cipherIsECDH { record?.curve = TLSNames.curve(curve) }
        case .changeCipherSpec:
            appendHistory(0x49, fromOriginator: fromOriginator)
            if fromOriginator { clientCCS = true } else { serverCCS = true }
        case .alert(_, let description):
            appendHistory(0x4c, fromOriginator: fromOriginator)
            ensureRecord(at: time, context: context)
            record?.lastAlert = TLSNames.alert(description)
        case .applicationData:
            if fromOriginator { clientAppData = true } else { serverAppData = true }
        case .heartbeat:
            appendHistory(0x42, fromOriginator: fromOriginator)
        }
    }

    /// A fresh analyzer that keeps the storage of the event buffer.
    public mutating func resetForReuse() -> Bool {
        var events = self.events
        self.events = []
        events.removeAll(keepingCapacity: true)
        self = SSLAnalyzer()
        self.events = events
        return true
    }

    /// `cipher.contains("ECDH")` on the UTF-8 bytes (String's substring search is slow).
    static func containsECDH(_ cipher: String) -> Bool {
        var text = cipher  // `withUTF8` makes a (rare) non-contiguous string contiguous first
        return text.withUTF8 { bytes in
            guard bytes.count >= 4 else { return false }
            for index in 0...(bytes.count - 4)
            where bytes[index] == 0x45 && bytes[index + 1] == 0x43 && bytes[index + 2] == 0x44 && bytes[index + 3] == 0x48 {
                return true
            }
            return false
        }
    }

    private mutating func ensureRecord(at time: NetworkTime, context: ConnContext) {
        if case .none = record { record = SSLRecord(ts: time, uid: context.uid, id: context.id) }
    }

    /// History letters are ASCII upper case (`TLSEvent.historyByte`, I, L, B); the server's are
    /// lower-cased.
    private mutating func appendHistory(_ letter: UInt8, fromOriginator: Bool) {
        guard history.count < Self.maxHistoryLength else { return }
        history.append(!fromOriginator && letter >= 0x41 && letter <= 0x5a ? letter | 0x20 : letter)
    }
}

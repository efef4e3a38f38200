public import FleetModel
import ProtocolParsers

/// HTTP/1.x: one `HTTPRecord` per request (pipelining and 1xx replies included),
/// written when its reply completes or when the connection finishes.
///
/// Confirms once a plausible request and an `HTTP/` status line were seen; rejects
/// as soon as the originator's first bytes cannot start a request line.
public struct HTTPAnalyzer: AppAnalyzer {
    public static let service = "http"
    /// Most requests kept waiting for their replies; older ones are written out as they are.
    public static let maxPendingTransactions = 64

    private struct Transaction: Sendable {
        var record: HTTPRecord
        var requestDone = false
        var replyStarted = false
        var http09Request = false
    }

    private var requestParser = HTTPStreamParser(isRequestSide: true)
    private var replyParser = HTTPStreamParser(isRequestSide: false)
    private var transactions: [Transaction] = []
    /// Index in `transactions` of the request being parsed.
    private var requestIndex: Int? = nil
    /// Index of the transaction whose reply is being parsed.
    private var replyIndex: Int? = nil
    private var replyIsInterim = false
    /// A request line was parsed and its message has not ended (an HTTP/0.9 request stays
    /// open: header parsing follows its request line).
    private var requestMessageOpen = false
    private var depth: UInt32 = 0
    private var sawRequest = false
    private var confirmed = false
    private var requestLost = false
    private var replyLost = false
    private var prefixChecked = 0
    private var replyPrefixChecked = false
    private var events: [HTTPEvent] = []

    public init() {}

    public mutating func deliver(
        _ data: UnsafeRawBufferPointer, fromOriginator: Bool, at time: NetworkTime,
        context: ConnContext, output: inout RecordBatch
    ) -> AnalyzerStatus {
        if fromOriginator {
            if !confirmed && !plausibleRequestPrefix(data) { return .rejected }
            guard !requestLost else { return status }
            events.emptyKeepingCapacity()
            requestParser.feed(data, events: &events)
            if requestParser.failed != nil {
                if !confirmed { return .rejected }
                requestLost = true
            }
            applyRequestEvents(at: time, context: context)
        } else {
            guard !replyLost else { return status }
            if !replyPrefixChecked, let first = data.first {
                replyPrefixChecked = true
                // A server speaking first must speak HTTP.
                if !sawRequest && !confirmed && first != 0x48 { return .rejected }
            }
            events.emptyKeepingCapacity()
            replyParser.feed(data, events: &events)
            if replyParser.failed != nil { replyLost = true }
            if !applyReplyEvents(at: time, context: context, output: &output) { return .rejected }
        }
        trimPending(output: &output)
        return status
    }

    public mutating func gap(
        length: Int, fromOriginator: Bool, at time: NetworkTime, context: ConnContext, output: inout RecordBatch
    ) {
        // Message framing is lost in that direction; keep what was parsed so far.
        if fromOriginator { requestLost = true } else { replyLost = true }
    }

    /// Zeek's `HTTP_Analyzer::EndpointEOF`. The responder's end completes a reply read until
    /// close (the transaction is written now). The originator's end completes an open request
    /// message; when that message's transaction was already written (the server closed first),
    /// Zeek's `http_message_done` finds no pending record and logs a new, empty one at the next
    /// depth, which is mirrored here.
    public mutating func endOfStream(fromOriginator: Bool, at time: NetworkTime, context: ConnContext, output: inout RecordBatch) {
        if fromOriginator {
            guard requestMessageOpen, !requestLost else { return }
            requestMessageOpen = false
            if requestIndex == nil {
                depth &+= 1
                transactions.append(Transaction(
                    record: HTTPRecord(ts: time, uid: context.uid, id: context.id, transDepth: depth), requestDone: true,
                    replyStarted: true))
                trimPending(output: &output)
            }
            requestIndex = nil
        } else if !replyLost {
            events.emptyKeepingCapacity()
            replyParser.finish(events: &events)
            _ = applyReplyEvents(at: time, context: context, output: &output)
        }
    }

    public mutating func finish(at time: NetworkTime, context: ConnContext, output: inout RecordBatch) {
        if !replyLost {
            events.emptyKeepingCapacity()
            replyParser.finish(events: &events)
            _ = applyReplyEvents(at: time, context: context, output: &output)
        }
        for transaction in transactions { output.http.append(transaction.record) }
        transactions.removeAll()
        requestIndex = nil
        replyIndex = nil
    }

    /// A fresh analyzer that keeps the storage of the event and transaction buffers.
    public mutating func resetForReuse() -> Bool {
        var events = self.events
        var transactions = self.transactions
        self.events = []
        self.transactions = []
        events.removeAll(keepingCapacity: true)
        transactions.removeAll(keepingCapacity: true)
        self = HTTPAnalyzer()
        self.events = events
        self.transactions = transactions
        return true
    }

    private var status: AnalyzerStatus { confirmed ? .confirmed : .pending }

    /// Whether a fresh analyzer rejects these first bytes at once: the originator's first byte
    /// after CR/LF is a control byte (`plausibleRequestPrefix`), or the responder speaks first
    /// with anything but `H`. Keep in step with `deliver`.
    static func rejectsFirst(_ data: UnsafeRawBufferPointer, fromOriginator: Bool) -> Bool {
        if fromOriginator {
            for byte in data {
                if byte == 0x0d || byte == 0x0a { continue }
                return !(byte >= 0x20 && byte != 0x7f)
            }
            return false
        }
        guard let first = data.first else { return false }
        return first != 0x48
    }

    // MARK: - Request side

    private mutating func plausibleRequestPrefix(_ data: UnsafeRawBufferPointer) -> Bool {
        // Text protocols get the benefit of the doubt (Zeek still logs replies to bad request
        // lines); binary first bytes (TLS, most others) are rejected at once.
        guard prefixChecked == 0 else { return true }
        for byte in data {
            if byte == 0x0d || byte == 0x0a { continue }
            prefixChecked = 1
            return byte >= 0x20 && byte != 0x7f
        }
        return true
    }

    private mutating func applyRequestEvents(at time: NetworkTime, context: ConnContext) {
        // The events' texts: read here, before the parser is fed again.
        let text = requestParser.eventBytes
        text.withUnsafeBufferPointer { bytes in
            for event in events {
                switch event {
                case .request(let methodRange, let uriRange, let versionRange):
                    sawRequest = true
                    depth &+= 1
                    let method = HTTPEvent.text(bytes, methodRange)
                    let http09 = HTTPEvent.equals(bytes, versionRange, "0.9")
                    let uri = HTTPEvent.slice(bytes, uriRange)
                    let uriRaw = HTTPEvent.text(bytes, uriRange)
                    // Built in the append (a record in a local was copied into the transaction).
                    transactions.append(Transaction(
                        record: HTTPRecord(
                            ts: time, uid: context.uid, id: context.id, transDepth: depth, method: method,
                            // Without `%` unescaping changes nothing: the same text.
                            uri: uri.contains(0x25) ? zeekEscapedUnescapedURI(uri) : uriRaw, uriRaw: uriRaw),
                        http09Request: http09))
                    requestIndex = transactions.count - 1
                    requestMessageOpen = true
                    replyParser.noteRequest(method: method, http09: http09)
                case .header(let name, let value):
                    guard let index = requestIndex else { continue }
                    HTTPHeaderFields.applyRequestHeader(
                        name: HTTPEvent.slice(bytes, name), value: HTTPEvent.slice(bytes, value),
                        to: &transactions[index].record)
                case .body(let count):
                    guard let index = requestIndex else { continue }
                    transactions[index].record.requestBodyLength &+= UInt64(count)
                case .messageDone:
                    if let index = requestIndex { transactions[index].requestDone = true }
                    requestIndex = nil
                    requestMessageOpen = false
                case .reply, .headersDone, .invalidRequestLine:
                    break
                }
            }
        }
    }

    // MARK: - Reply side

    /// Returns false when the reply proves the connection is not HTTP.
    private mutating func applyReplyEvents(at time: NetworkTime, context: ConnContext, output: inout RecordBatch) -> Bool {
        // The events' texts: read here, before the parser is fed again.
        let text = replyParser.eventBytes
        return text.withUnsafeBufferPointer { bytes in applyReplyEvents(bytes, at: time, context: context, output: &output) }
    }

    private mutating func applyReplyEvents(
        _ bytes: UnsafeBufferPointer<UInt8>, at time: NetworkTime, context: ConnContext, output: inout RecordBatch
    ) -> Bool {
        for event in events {
            switch event {
            case .reply(let versionRange, let code, let reasonRange):
                let http09 = HTTPEvent.equals(bytes, versionRange, "0.9")
                if http09 && !confirmed {
                    // Headerless replies are only HTTP when answering an HTTP/0.9 request.
                    guard let waiting = transactions.first(where: { !$0.replyStarted }), waiting.http09Request
                    else { return false }
                }
                if !http09 && sawRequest { confirmed = true }
                let index: Int
                if let current = replyIndex {
                    index = current
                } else if let waiting = transactions.firstIndex(where: { !$0.replyStarted }) {
                    index = waiting
                } else {
                    depth &+= 1
                    transactions.append(Transaction(record: HTTPRecord(
                        ts: time, uid: context.uid, id: context.id, transDepth: max(depth, 1))))
                    index = transactions.count - 1
                }
                replyIndex = index
                transactions[index].replyStarted = true
                replyIsInterim = code >= 100 && code < 200
                // Status line texts are escaped ASCII already.
                let reason = String(decoding: HTTPEvent.slice(bytes, reasonRange), as: UTF8.self)
                if replyIsInterim {
                    transactions[index].record.infoCode = code
                    transactions[index].record.infoMessage = reason
                } else {
                    transactions[index].record.statusCode = code
                    transactions[index].record.statusMessage = reason
                    transactions[index].record.version = String(decoding: HTTPEvent.slice(bytes, versionRange), as: UTF8.self)
                }
            case .body(let count):
                guard let index = replyIndex, !replyIsInterim else { continue }
                transactions[index].record.responseBodyLength &+= UInt64(count)
            case .messageDone:
                guard let index = replyIndex else { continue }
                if replyIsInterim {
                    replyIsInterim = false
                    continue
                }
                replyIndex = nil
                // Moved out of the list (reading it in place and removing it after copied it).
                let record = transactions.remove(at: index).record
                if record.method == "CONNECT", let code = record.statusCode, code >= 200 && code < 300 {
                    // A tunnel: neither direction carries HTTP from here on.
                    requestLost = true
                    replyLost = true
                }
                output.http.append(record)
                if let request = requestIndex {
                    if request == index { requestIndex = nil } else if request > index { requestIndex = request - 1 }
                }
            case .header, .headersDone, .request, .invalidRequestLine:
                break
            }
        }
        return true
    }

    private mutating func trimPending(output: inout RecordBatch) {
        while transactions.count > Self.maxPendingTransactions {
            output.http.append(transactions.removeFirst().record)
            requestIndex = requestIndex.flatMap { $0 > 0 ? $0 - 1 : nil }
            replyIndex = replyIndex.flatMap { $0 > 0 ? $0 - 1 : nil }
        }
    }
}

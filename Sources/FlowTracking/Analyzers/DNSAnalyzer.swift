public import FleetModel
import ProtocolParsers

/// DNS over UDP (one message per datagram) and TCP (2-byte length framing), with
/// Zeek's dns.log pairing: queries and replies are matched by transaction id within
/// the connection (FIFO per id), a row is written once both sides were seen, and
/// unmatched queries and replies are written on `finish`. mDNS (port 5353) is not
/// paired: every message is its own row.
public struct DNSAnalyzer: AppAnalyzer {
    public static let service = "dns"
    /// Most unmatched messages kept per transaction id (Zeek's `max_pending_msgs`).
    public static let maxPendingPerID = 50
    /// Most transaction ids with unmatched messages (Zeek's `max_pending_query_ids`).
    public static let maxPendingIDs = 50
    /// Parse failures tolerated before the analyzer gives up on a connection it never confirmed.
    public static let maxFailuresBeforeConfirm = 3

    private var pendingQueries = PendingDNS()
    private var pendingReplies = PendingDNS()
    private var confirmed = false
    private var failures = 0
    private var origBuffer: [UInt8] = []
    private var respBuffer: [UInt8] = []

    public init() {}

    public mutating func deliver(
        _ data: UnsafeRawBufferPointer, fromOriginator: Bool, at time: NetworkTime,
        context: ConnContext, output: inout RecordBatch
    ) -> AnalyzerStatus {
        if context.proto == .tcp {
            return deliverStream(data, fromOriginator: fromOriginator, at: time, context: context, output: &output)
        }
        return handleMessage(data, at: time, context: context, output: &output)
    }

    public mutating func gap(
        length: Int, fromOriginator: Bool, at time: NetworkTime, context: ConnContext, output: inout RecordBatch
    ) {
        // Framing is lost in this direction.
        if fromOriginator { origBuffer.removeAll() } else { respBuffer.removeAll() }
    }

    public mutating func finish(at time: NetworkTime, context: ConnContext, output: inout RecordBatch) {
        pendingQueries.drain(into: &output)
        pendingReplies.drain(into: &output)
    }

    /// A fresh analyzer in the same existential box (the tracker reuses finished analyzers).
    public mutating func resetForReuse() -> Bool {
        self = DNSAnalyzer()
        return true
    }

    // MARK: - Framing

    private mutating func deliverStream(
        _ data: UnsafeRawBufferPointer, fromOriginator: Bool, at time: NetworkTime,
        context: ConnContext, output: inout RecordBatch
    ) -> AnalyzerStatus {
        // Move the buffer out so appending does not copy it (copy-on-write).
        var buffer: [UInt8] = []
        if fromOriginator { swap(&buffer, &origBuffer) } else { swap(&buffer, &respBuffer) }
        defer { if fromOriginator { swap(&buffer, &origBuffer) } else { swap(&buffer, &respBuffer) } }
        buffer.append(contentsOf: data)
        var status: AnalyzerStatus = confirmed ? .confirmed : .pending
        while buffer.count >= 2 {
            let length = Int(buffer[0]) << 8 | Int(buffer[1])
            guard buffer.count >= 2 + length else { break }  // at most 2 + 65535 bytes are ever buffered
            let frame = Array(buffer[2..<(2 + length)])
            buffer.removeFirst(2 + length)
            status = frame.withUnsafeBytes { handleMessage($0, at: time, context: context, output: &output) }
            if status == .rejected { buffer.removeAll(); return .rejected }
        }
        return status
    }

    // MARK: - Messages

    private mutating func handleMessage(
        _ bytes: UnsafeRawBufferPointer, at time: NetworkTime, context: ConnContext, output: inout RecordBatch
    ) -> AnalyzerStatus {
        // Checked whole, decoded only where the row needs text: a reply's question and owner
        // names are usually not shown (the query's name is).
        let message: DNSMessageOutline
        do {
            message = try DNSMessageOutline.scan(bytes)
        } catch {
            output.weirds.append(WeirdRecord(
                ts: time, uid: context.uid, id: context.id, name: Self.weirdName(error), source: "DNS"))
            failures += 1
            if !confirmed && failures >= Self.maxFailuresBeforeConfirm { return .rejected }
            return confirmed ? .confirmed : .pending
        }
        confirmed = true
        let header = message.header
        let isQuery = !header.isResponse
        let mdns = context.id.responderPort == 5353 || context.id.originatorPort == 5353
        let netbios = context.id.responderPort == 137

        var info: PendingDNSRecord =
            if mdns {
                newRecord(header.id, at: time, context: context)
            } else if isQuery, let reply = pendingReplies.pop(header.id) {
                reply
            } else if !isQuery, let query = pendingQueries.pop(header.id) {
                query
            } else {
                newRecord(header.id, at: time, context: context)
            }
        info.record.opcode = header.opcode
        if !isQuery {
            info.record.rcode = header.rcode
            // Zeek: the script's rule (no question echoed) and the analyzer's `dns_rejected`
            // (an error reply without any resource records).
            let noRecords = header.answerCount == 0 && header.authorityCount == 0 && header.additionalCount == 0
            if header.rcode != 0 && (header.questionCount == 0 || noRecords) { info.record.rejected = true }
        }
        let update = header.opcode == 5
        if isQuery, !update, let question = message.firstQuestion,
           let name = DNSMessageOutline.name(at: question.nameOffset, in: bytes) {
            info.record.recursionDesired = header.recursionDesired
            info.record.truncated = header.truncated
            info.record.qclass = question.qclass
            info.record.qtype = question.type
            info.record.z = header.z
            info.record.query = netbios ? decodeNetBIOSName(name) : name
        }
        if !isQuery && update {
            // Dynamic updates (rare) show owner names of two sections: decoded in full.
            if let full = try? DNSMessage.parse(bytes) { addUpdateAnswers(full, to: &info, at: time) }
        } else if !isQuery {
            // Room for every answer at once (appending would grow the arrays step by step).
            let expected = min(Int(header.answerCount), 1024)
            if expected > 1 && info.record.answers.isEmpty {
                info.record.answers.reserveCapacity(expected)
                info.record.ttls.reserveCapacity(expected)
            }
            var answers = message.answers(in: bytes)
            while let location = answers.next() {
                // The owner name is shown only as a stand-in query, and in NSEC text.
                guard let text = DNSMessageOutline.answerText(location, in: bytes) else { continue }
                if info.record.query == nil { info.record.query = DNSMessageOutline.name(at: location.nameOffset, in: bytes) }
                info.record.authoritative = header.authoritative
                info.record.recursionAvailable = header.recursionAvailable
                if info.record.rtt == nil && info.sawQueryFlag {
                    let rtt = time - info.record.ts
                    if rtt.microseconds != 0 { info.record.rtt = rtt }
                }
                if !text.isEmpty, info.record.answers.count < 1024 {
                    info.record.answers.append(text)
                    info.record.ttls.append(location.ttl)
                }
            }
        }
        if isQuery { info.sawQueryFlag = true } else { info.sawReplyFlag = true }

        if mdns || (info.sawQueryFlag && info.sawReplyFlag) {
            output.dns.append(info.finished())
        } else if isQuery {
            pendingQueries.push(info, output: &output)
        } else {
            pendingReplies.push(info, output: &output)
        }
        return .confirmed
    }

    /// The answer and authority sections of a dynamic UPDATE reply, as Zeek's script shows them.
    private func addUpdateAnswers(_ message: DNSMessage, to info: inout PendingDNSRecord, at time: NetworkTime) {
        let sections = message.answers.map { ($0, true) } + message.authorities.map { ($0, false) }
        for (record, prerequisite) in sections {
            guard let text = record.zeekUpdateText(prerequisite: prerequisite), info.record.answers.count < 1024 else { continue }
            if info.record.query == nil { info.record.query = record.name }
            if info.record.rtt == nil && info.sawQueryFlag {
                let rtt = time - info.record.ts
                if rtt.microseconds != 0 { info.record.rtt = rtt }
            }
            info.record.answers.append(text)
            info.record.ttls.append(record.ttl)
        }
    }

    private func newRecord(_ id: UInt16, at time: NetworkTime, context: ConnContext) -> PendingDNSRecord {
        PendingDNSRecord(record: DNSRecord(
            ts: time, uid: context.uid, id: context.id, proto: context.proto, transactionID: id))
    }

    static func weirdName(_ error: DNSParseError) -> String {
        switch error {
        case .truncated(_, let field):
            switch field {
            case .header: return "DNS_truncated_len_lt_hdr_len"
            case .question: return "DNS_truncated_quest_too_short"
            case .recordHeader: return "DNS_truncated_ans_too_short"
            case .rdata: return "DNS_truncated_RR_rdlength_lt_len"
            case .name: return "DNS_label_len_gt_pkt"
            }
        case .badLabelType: return "DNS_label_bad_type"
        case .badPointer: return "DNS_label_forward_compress_offset"
        case .compressionLoop: return "DNS_label_too_many_jumps"
        case .nameTooLong: return "DNS_NAME_too_long"
        case .badRData: return "DNS_RR_bad_length"
        }
    }
}

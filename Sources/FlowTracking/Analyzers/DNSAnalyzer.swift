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
        output.dns.append(contentsOf: pendingQueries.drain())
        output.dns.append(contentsOf: pendingReplies.drain())
    }

    // MARK: - Framing

    private mutating func deliverStream(
        _ data: UnsafeRawBufferPointer, fromOriginator: Bool, at time: NetworkTime,
        context: ConnContext, output: inout RecordBatch
    ) -> AnalyzerStatus {
        var buffer = fromOriginator ? origBuffer : respBuffer
        defer { if fromOriginator { origBuffer = buffer } else { respBuffer = buffer } }
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
        let message: DNSMessage
        do {
            message = try DNSMessage.parse(bytes)
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

        var info: PendingDNSRecord
        if mdns {
            info = newRecord(header.id, at: time, context: context)
        } else if isQuery, let reply = pendingReplies.pop(header.id) {
            info = reply
        } else if !isQuery, let query = pendingQueries.pop(header.id) {
            info = query
        } else {
            info = newRecord(header.id, at: time, context: context)
        }
        info.opcode = header.opcode
        if !isQuery {
            info.rcode = header.rcode
            // Zeek: the script's rule (no question echoed) and the analyzer's `dns_rejected`
            // (an error reply without any resource records).
            let noRecords = header.answerCount == 0 && header.authorityCount == 0 && header.additionalCount == 0
            if header.rcode != 0 && (header.questionCount == 0 || noRecords) { info.rejected = true }
        }
        let update = header.opcode == 5
        if isQuery, !update, let question = message.questions.first {
            info.recursionDesired = header.recursionDesired
            info.truncated = header.truncated
            info.qclass = question.qclass
            info.qtype = question.type
            info.z = header.z
            info.query = netbios ? decodeNetBIOSName(question.name) : question.name
        }
        if !isQuery && update {
            let sections = message.answers.map { ($0, true) } + message.authorities.map { ($0, false) }
            for (record, prerequisite) in sections {
                guard let text = record.zeekUpdateText(prerequisite: prerequisite), info.answers.count < 1024 else { continue }
                if info.query == nil { info.query = record.name }
                if info.rtt == nil && info.sawQueryFlag {
                    let rtt = time - info.ts
                    if rtt.microseconds != 0 { info.rtt = rtt }
                }
                info.answers.append(text)
                info.ttls.append(record.ttl)
            }
        } else if !isQuery {
            for answer in message.answers {
                guard let text = answer.zeekAnswerText else { continue }
                if info.query == nil { info.query = answer.name }
                info.authoritative = header.authoritative
                info.recursionAvailable = header.recursionAvailable
                if info.rtt == nil && info.sawQueryFlag {
                    let rtt = time - info.ts
                    if rtt.microseconds != 0 { info.rtt = rtt }
                }
                if !text.isEmpty, info.answers.count < 1024 {
                    info.answers.append(text)
                    info.ttls.append(answer.ttl)
                }
            }
        }
        if isQuery { info.sawQueryFlag = true } else { info.sawReplyFlag = true }

        if mdns || (info.sawQueryFlag && info.sawReplyFlag) {
            output.dns.append(info.record)
        } else if isQuery {
            pendingQueries.push(info, output: &output)
        } else {
            pendingReplies.push(info, output: &output)
        }
        return .confirmed
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

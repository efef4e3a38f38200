import FleetModel

/// A dns.log row being assembled, plus which sides of the exchange were seen.
///
/// Fields are reached as `info.record.field` (in place): a key-path member lookup would
/// copy an array field out and back on every append.
struct PendingDNSRecord: Sendable {
    var record: DNSRecord
    var sawQueryFlag = false
    var sawReplyFlag = false

    /// The row, taken out of the pending message (moved, not copied).
    consuming func finished() -> DNSRecord {
        record
    }
}

/// Unmatched queries (or replies) by transaction id, FIFO per id, bounded like Zeek's
/// `max_pending_msgs` / `max_pending_query_ids` (overflow is written out unmatched).
///
/// A lone pending message (the usual case: a query waiting for its reply) is kept inline,
/// without allocating the table of queues.
struct PendingDNS: Sendable {
    /// The only pending message, when there is exactly one and `queues` is empty.
    private var single: PendingDNSRecord? = nil
    private var queues: [(id: UInt16, items: [PendingDNSRecord])] = []

    mutating func pop(_ id: UInt16) -> PendingDNSRecord? {
        if single != nil {
            guard single?.record.transactionID ?? 0 == id else { return nil }
            return single.take()
        }
        guard let index = queues.firstIndex(where: { $0.id == id }), !queues[index].items.isEmpty else { return nil }
        let item = queues[index].items.removeFirst()
        if queues[index].items.isEmpty { queues.remove(at: index) }
        return item
    }

    mutating func push(_ item: consuming PendingDNSRecord, output: inout RecordBatch) {
        if single == nil && queues.isEmpty {
            single = consume item
            return
        }
        if let lone = single.take() {
            queues.append((lone.record.transactionID ?? 0, [lone]))
        }
        let id = item.record.transactionID ?? 0
        if let index = queues.firstIndex(where: { $0.id == id }) {
            if queues[index].items.count > DNSAnalyzer.maxPendingPerID {
                output.dns.append(contentsOf: queues[index].items.map(\.record))
                queues[index].items.removeAll()
            }
            queues[index].items.append(item)
        } else {
            if queues.count > DNSAnalyzer.maxPendingIDs {
                output.dns.append(contentsOf: drain())
            }
            queues.append((id, [item]))
        }
    }

    /// Writes every pending row to `output`, oldest id first, and leaves the table empty.
    mutating func drain(into output: inout RecordBatch) {
        if let lone = single.take() {
            output.dns.append(lone.record)
            return
        }
        guard !queues.isEmpty else { return }
        output.dns.append(contentsOf: drain())
    }

    /// Every pending row, oldest id first; leaves the table empty.
    mutating func drain() -> [DNSRecord] {
        if let lone = single.take() { return [lone.record] }
        let records = queues.flatMap { $0.items.map(\.record) }
        queues.removeAll()
        return records
    }
}

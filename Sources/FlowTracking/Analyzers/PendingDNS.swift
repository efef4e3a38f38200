import FleetModel

/// A dns.log row being assembled, plus which sides of the exchange were seen.
@dynamicMemberLookup
struct PendingDNSRecord: Sendable {
    var record: DNSRecord
    var sawQueryFlag = false
    var sawReplyFlag = false

    subscript<T>(dynamicMember keyPath: WritableKeyPath<DNSRecord, T>) -> T {
        get { record[keyPath: keyPath] }
        set { record[keyPath: keyPath] = newValue }
    }
}

/// Unmatched queries (or replies) by transaction id, FIFO per id, bounded like Zeek's
/// `max_pending_msgs` / `max_pending_query_ids` (overflow is written out unmatched).
struct PendingDNS: Sendable {
    private var queues: [(id: UInt16, items: [PendingDNSRecord])] = []

    mutating func pop(_ id: UInt16) -> PendingDNSRecord? {
        guard let index = queues.firstIndex(where: { $0.id == id }), !queues[index].items.isEmpty else { return nil }
        let item = queues[index].items.removeFirst()
        if queues[index].items.isEmpty { queues.remove(at: index) }
        return item
    }

    mutating func push(_ item: PendingDNSRecord, output: inout RecordBatch) {
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

    /// Every pending row, oldest id first; leaves the table empty.
    mutating func drain() -> [DNSRecord] {
        let records = queues.flatMap { $0.items.map(\.record) }
        queues.removeAll()
        return records
    }
}

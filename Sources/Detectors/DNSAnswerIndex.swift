public import FleetModel

/// Fleet-wide memory of which names resolved to which addresses, so a connection to an address can be
/// "explained" by a prior DNS answer (or by the TLS SNI / HTTP Host the client itself sent).
///
/// - Inputs: DNS records (A/AAAA answers that parse as addresses; the name is the query), SNI and Host names.
/// - `explains(address, at:)` is true when some agent saw a name for `address` at time `s` with TTL `t`
///   and `s - slack <= at <= s + t + grace`.
/// - Memory is bounded: entries expire after `ttl + grace`, each address keeps at most `namesPerAddress`
///   names, and the index holds at most `capacity` addresses (oldest evicted first).
public struct DNSAnswerIndex: Sendable {
    /// Where a name for an address came from.
    public enum Source: String, Sendable, Hashable, Codable { case dns, sni, httpHost }

    /// One name observed for an address.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var ttl: UInt32
        public var seen: NetworkTime
        public var agent: String
        public var source: Source
        var expiry: NetworkTime
    }

    public var grace: NetworkDuration
    /// A DNS answer may be logged slightly after the connection it explains started.
    public var slack: NetworkDuration
    /// TTL given to SNI / Host observations.
    public var observedNameTTL: UInt32
    public var capacity: Int
    public var namesPerAddress: Int
    private var entries: [IPAddress: [Entry]] = [:]
    private var insertsSincePrune = 0

    public init(
        grace: NetworkDuration = .seconds(300), slack: NetworkDuration = .seconds(2),
        observedNameTTL: UInt32 = 3600, capacity: Int = 200_000, namesPerAddress: Int = 4
    ) {
        self.grace = grace
        self.slack = slack
        self.observedNameTTL = observedNameTTL
        self.capacity = max(1, capacity)
        self.namesPerAddress = max(1, namesPerAddress)
    }

    /// Number of addresses currently indexed.
    public var count: Int { entries.count }

    /// Indexes every address answer of `record`.
    public mutating func add(_ record: DNSRecord, agent: String) {
        guard let query = record.query, !query.isEmpty else { return }
        for (index, answer) in record.answers.enumerated() {
            guard let address = IPAddress(answer) else { continue }
            let ttl = index < record.ttls.count ? record.ttls[index] : 0
            add(name: query, for: address, ttl: ttl, at: record.ts, agent: agent, source: .dns)
        }
    }

    /// Records that `name` pointed at `address` (from DNS, SNI or Host).
    public mutating func add(
        name: String, for address: IPAddress, ttl: UInt32, at time: NetworkTime,
        agent: String, source: Source
    ) {
        let lower = NoiseModel.normalize(name)
        let life = NetworkDuration(microseconds: Int64(ttl) * 1_000_000 + grace.microseconds)
        let entry = Entry(name: lower, ttl: ttl, seen: time, agent: agent, source: source, expiry: time + life)
        // Updated in place: a copy taken out of the dictionary and stored back copied the list each time.
        Self.merge(entry, into: &entries[address, default: []], limit: namesPerAddress)
        insertsSincePrune += 1
        if entries.count > capacity || insertsSincePrune > capacity / 4 + 1024 {
            prune(now: time)
        }
    }

    /// The same name over an overlapping period widens one entry; a disjoint period is a new entry
    /// (replacing the entry that expires first when the list is full).
    private static func merge(_ entry: Entry, into list: inout [Entry], limit: Int) {
        if let existing = list.firstIndex(where: {
            $0.name == entry.name && entry.seen <= $0.expiry && $0.seen <= entry.expiry
        }) {
            list[existing].seen = min(list[existing].seen, entry.seen)
            if list[existing].expiry < entry.expiry {
                list[existing].expiry = entry.expiry
                list[existing].ttl = entry.ttl
            }
        } else {
            if list.count >= limit, let oldest = list.indices.min(by: { list[$0].expiry < list[$1].expiry }) {
                list.remove(at: oldest)
            }
            list.append(entry)
        }
    }

    /// The freshest name that explains a connection to `address` at `time`, if any.
    public func explanation(for address: IPAddress, at time: NetworkTime) -> Entry? {
        explanation(for: address, at: time, accepting: { _ in true })
    }

    /// The freshest name for `address` at `time` among the entries `accept` lets through (e.g. only those
    /// seen by agents of the same network, for private addresses).
    public func explanation(
        for address: IPAddress, at time: NetworkTime, accepting accept: (Entry) -> Bool
    ) -> Entry? {
        guard let list = entries[address] else { return nil }
        var best: Entry?
        for entry in list where time + slack >= entry.seen && time <= entry.expiry && accept(entry) {
            if best.map({ $0.seen < entry.seen }) ?? true { best = entry }
        }
        return best
    }

    /// Whether a name seen fleet-wide explains a connection to `address` at `time`.
    public func explains(_ address: IPAddress, at time: NetworkTime) -> Bool {
        explanation(for: address, at: time) != nil
    }

    /// Names (any age still in the index) that pointed at `address`.
    public func names(for address: IPAddress) -> [String] { entries[address]?.map(\.name) ?? [] }

    /// Names (any age still in the index) that pointed at `address`, among the entries `accept` lets through.
    public func names(for address: IPAddress, accepting accept: (Entry) -> Bool) -> [String] {
        entries[address]?.filter(accept).map(\.name) ?? []
    }

    /// Drops expired entries, then the oldest addresses while over capacity.
    public mutating func prune(now: NetworkTime) {
        insertsSincePrune = 0
        // In place: rebuilding the table copied every list and grew a new table step by step.
        var emptied: [IPAddress] = []
        for index in entries.indices where entries.values[index].contains(where: { $0.expiry < now }) {
            entries.values[index].removeAll { $0.expiry < now }
            if entries.values[index].isEmpty { emptied.append(entries.keys[index]) }
        }
        for address in emptied { entries[address] = nil }
        if entries.count > capacity {
            let ordered = entries.map { ($0.key, $0.value.map(\.expiry).max() ?? now) }.sorted { $0.1 < $1.1 }
            for (address, _) in ordered.prefix(entries.count - capacity) { entries[address] = nil }
        }
    }
}

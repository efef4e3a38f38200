public import FleetModel

/// Flags DNS used as a data channel: many unique subdomains under one registered domain, long or
/// high-entropy labels, and TXT query volume.
///
/// - Inputs: DNS records with a query, per (agent, registered domain) over `window` (default 1 h).
///   The registered domain is the last two labels (three when the second-to-last is a common second-level
///   suffix such as `co.uk`); no public-suffix list. Allowlisted domain suffixes and `ignoredSuffixes`
///   (`in-addr.arpa`, `ip6.arpa`, `local`, `internal`, ...) are skipped.
/// - Features: `unique` = distinct subdomain parts (counted up to `maxTracked`), `long` = queries with a
///   label ≥ `longLabel` (default 40) characters, `entropic` = queries with a label of ≥ 16 characters and
///   Shannon entropy ≥ `entropyBits` (default 3.5), `txt` = TXT (qtype 16) queries.
/// - Score: `0.5 min(1, unique / uniqueThreshold) + 0.2 min(1, long / 20) + 0.2 min(1, entropic / 20)
///   + 0.1 min(1, txt / txtThreshold)`. Reported when `unique ≥ uniqueThreshold` (default 100) or
///   `txt ≥ txtThreshold` (default 50) with some long or entropic labels. Severity by score (≥ 0.75 high).
/// - Key: agent + registered domain.
public struct DNSTunnellingDetector: Detector {
    public static let name = "dns-tunnelling"

    public struct Configuration: Sendable, Hashable {
        public var window: NetworkDuration = .seconds(3600)
        public var uniqueThreshold = 100
        public var txtThreshold = 50
        public var longLabel = 40
        public var entropyBits = 3.5
        public var maxTracked = 1000
        public var maxDomains = 20_000
        /// Zones whose subdomains are numerous by design (reverse lookups, cloud-internal names, mDNS).
        public var ignoredSuffixes: [String] = ["in-addr.arpa", "ip6.arpa", "local", "internal", "localdomain"]
        public init() {}
    }

    struct Stats: Sendable {
        var start: NetworkTime
        var last: NetworkTime
        var subdomains: Set<String> = []
        var long = 0
        var entropic = 0
        var txt = 0
        var queries = 0
        var example = ""
        var resolver: ConnID
        var proto: TransportProtocol
    }

    static let secondLevel: Set<String> = ["co", "com", "net", "org", "gov", "ac", "edu"]

    public var configuration: Configuration
    private var domains: [String: Stats] = [:]

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// `a.b.example.co.uk` -> (`example.co.uk`, `a.b`). Nil for names with fewer than two labels.
    public static func split(_ name: String) -> (registered: String, subdomain: String)? {
        var labels = name.lowercased().split(separator: ".").map(String.init)
        guard labels.count >= 2 else { return nil }
        var take = 2
        if labels.count >= 3, labels[labels.count - 1].count == 2, secondLevel.contains(labels[labels.count - 2]) {
            take = 3
        }
        let registered = labels.suffix(take).joined(separator: ".")
        labels.removeLast(min(take, labels.count))
        return (registered, labels.joined(separator: "."))
    }

    public mutating func ingest(_ batch: RecordBatch, context: DetectionContext) -> [Finding] {
        var touched: Set<String> = []
        for record in batch.dns {
            guard let query = record.query, let (registered, subdomain) = Self.split(query),
                !context.noise.isAllowlisted(domain: registered, agent: context.agentID),
                !configuration.ignoredSuffixes.contains(where: { registered == $0 || registered.hasSuffix("." + $0) })
            else { continue }
            let key = context.agentID + "/" + registered
            // Updated in place: a copy taken out and stored back copied the subdomain set every query.
            if let index = domains.index(forKey: key), record.ts - domains.values[index].start <= configuration.window {
                Self.count(record, query: query, subdomain: subdomain, configuration: configuration, into: &domains.values[index])
            } else {
                var stats = Stats(start: record.ts, last: record.ts, resolver: record.id, proto: record.proto)
                Self.count(record, query: query, subdomain: subdomain, configuration: configuration, into: &stats)
                domains[key] = stats
            }
            touched.insert(key)
        }
        if domains.count > configuration.maxDomains {
            let ordered = domains.sorted { $0.value.last < $1.value.last }
            for (key, _) in ordered.prefix(domains.count - configuration.maxDomains) { domains[key] = nil }
        }
        return touched.sorted().compactMap { evaluate(key: $0, context: context) }
    }

    private static func count(
        _ record: DNSRecord, query: String, subdomain: String, configuration: Configuration, into stats: inout Stats
    ) {
        stats.last = max(stats.last, record.ts)
        stats.queries += 1
        if !subdomain.isEmpty, stats.subdomains.count < configuration.maxTracked {
            stats.subdomains.insert(subdomain)
        }
        let labels = subdomain.split(separator: ".")
        if labels.contains(where: { $0.count >= configuration.longLabel }) { stats.long += 1 }
        if labels.contains(where: { $0.count >= 16 && Statistics.shannonEntropy($0) >= configuration.entropyBits }) {
            stats.entropic += 1
            if stats.example.isEmpty { stats.example = String(query.prefix(255)) }
        }
        if record.qtype == 16 { stats.txt += 1 }
    }

    func evaluate(key: String, context: DetectionContext) -> Finding? {
        guard let stats = domains[key] else { return nil }
        let c = configuration
        let unique = stats.subdomains.count
        let suspiciousLabels = stats.long + stats.entropic > 0
        guard unique >= c.uniqueThreshold || (stats.txt >= c.txtThreshold && suspiciousLabels) else { return nil }
        let score =
            0.5 * min(1, Double(unique) / Double(c.uniqueThreshold)) + 0.2 * min(1, Double(stats.long) / 20)
            + 0.2 * min(1, Double(stats.entropic) / 20) + 0.1 * min(1, Double(stats.txt) / Double(c.txtThreshold))
        let domain = String(key.drop { $0 != "/" }.dropFirst())
        return Finding(
            detector: Self.name, key: key, severity: severity(for: score), score: score, agentID: context.agentID,
            host: stats.resolver.originatorHost, flows: [.init(stats.resolver, stats.proto)], firstSeen: stats.start,
            lastSeen: stats.last,
            indicators: .init(domains: [domain]),
            evidence: [
                .init("queries", String(stats.queries)), .init("unique_subdomains", String(unique)),
                .init("long_label_queries", String(stats.long)), .init("high_entropy_queries", String(stats.entropic)),
                .init("txt_queries", String(stats.txt)), .init("example", stats.example),
            ],
            summary: "\(unique) unique subdomains of \(domain) queried (\(stats.txt) TXT) — possible DNS tunnel")
    }
}

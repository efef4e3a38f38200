public import FleetModel

/// Confirms a command injection: a payload naming callback A[:P] sent to host H, followed by a connection
/// H → A(:P). One CRITICAL finding carries both the request and the connection.
///
/// - Inputs: HTTP records (via ``CommandInjectionDetector/inspect(_:headers:)``) and conn records (interim and
///   final) of the same agent; ``DNSAnswerIndex`` when the payload names a host instead of an address.
/// - Window: the connection must start in `[injection - slack, injection + window]` (defaults 2 s, 10 min).
///   Either may arrive first (a reverse shell often keeps the HTTP request open, so its record comes late).
/// - Port: must equal P when the payload names one.
/// - Score 1.0, severity critical. Key: agent + callback address (or name): a second injection naming the
///   same callback updates the same finding (its URI is added).
/// - Memory: at most `maxPending` injections and `maxRecentConnections` connections, aged out by `window`.
public struct InjectionCallbackDetector: Detector {
    public static let name = "injection-callback"

    public struct Configuration: Sendable, Hashable {
        public var window: NetworkDuration = .seconds(600)
        public var slack: NetworkDuration = .seconds(2)
        public var maxPending = 1024
        public var maxRecentConnections = 4096
        public init() {}
    }

    struct Injection: Sendable {
        var agent: String
        var http: HTTPRecord
        var match: PayloadMatch
        var key: String { agent + "/" + (match.callbackHost ?? "-") }
    }

    public var configuration: Configuration
    private var pending: [Injection] = []
    /// A connection that may turn out to be a callback, with the times aging reads (a struct, not a
    /// tuple: a tuple in a generic dictionary is copied through the runtime's tuple witnesses).
    struct RecentConnection {
        var agent: String
        var conn: ConnRecord
        var start: NetworkTime
        var end: NetworkTime
    }

    private var recent: [String: RecentConnection] = [:]
    /// Last confirmed finding per key, so later injections naming the same callback update it.
    private var confirmed: [String: Finding] = [:]
    /// Callback connections already confirmed (agent/uid), followed past the window for their updates.
    private var tracked: [String: Injection] = [:]

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public mutating func ingest(_ batch: RecordBatch, context: DetectionContext) -> [Finding] {
        var findings: [Finding] = []
        let agent = context.agentID
        // Only connections a monitored host opens towards a non-cloud address can be callbacks.
        for conn in batch.conns where context.classify(conn.id.originatorHost) != .external {
            switch context.classify(conn.id.responderHost) {
            case .cloudService, .linkLocal, .nonRoutable: continue
            default:
                let key = agent + "/" + conn.uid
                recent[key] = RecentConnection(agent: agent, conn: conn, start: conn.ts, end: conn.ts + (conn.duration ?? .zero))
            }
        }
        var fresh: [Injection] = []
        for (index, http) in batch.http.enumerated() {
            guard let (match, _) = CommandInjectionDetector.inspection(index, of: batch, context: context, headers: true),
                  match.callbackHost != nil else { continue }
            let injection = Injection(agent: agent, http: http, match: match)
            fresh.append(injection)
            var matchedAny = false
            // Entries read in place (iterating the pairs would copy every record).
            for index in recent.indices
            where recent.values[index].agent == agent && matches(injection, recent.values[index].conn, context) {
                findings.append(confirm(injection, recent.values[index].conn, context: context))
                matchedAny = true
            }
            if !matchedAny, var existing = confirmed[injection.key] {
                // Same callback again: update the confirmed finding with this attempt.
                Self.fold(injection, into: &existing)
                confirmed[injection.key] = existing
                findings.append(existing)
            }
        }
        pending.append(contentsOf: fresh)
        for conn in batch.conns {
            if let injection = tracked[agent + "/" + conn.uid] {
                findings.append(confirm(injection, conn, context: context))
                if !conn.interim { tracked[agent + "/" + conn.uid] = nil }
                continue
            }
            for injection in pending
            where injection.agent == agent && !fresh.contains(where: { $0.http == injection.http })
                && matches(injection, conn, context)
            {
                findings.append(confirm(injection, conn, context: context))
            }
        }
        age(now: context.now)
        return findings
    }

    public mutating func advance(to now: NetworkTime) -> [Finding] {
        age(now: now)
        return []
    }

    func matches(_ injection: Injection, _ conn: ConnRecord, _ context: DetectionContext) -> Bool {
        guard conn.id.originatorHost == injection.http.id.responderHost else { return false }
        let start = injection.http.ts
        guard conn.ts + configuration.slack >= start, conn.ts <= start + configuration.window else { return false }
        if let port = injection.match.callbackPort, port != conn.id.responderPort { return false }
        if let address = injection.match.callbackAddress { return address == conn.id.responderHost }
        guard let name = injection.match.callbackHost?.lowercased() else { return false }
        return context.knownNames(for: conn.id.responderHost).contains(name)
    }

    mutating func confirm(_ injection: Injection, _ conn: ConnRecord, context: DetectionContext) -> Finding {
        let observed = observation(injection, conn, context: context)
        var stored: Finding
        if let existing = confirmed[injection.key] {
            stored = existing
            stored.merge(observed)
        } else {
            stored = observed
            // Earlier attempts naming the same callback (which did not call back themselves) join the finding.
            for attempt in pending where attempt.key == injection.key && attempt.http != injection.http {
                Self.fold(attempt, into: &stored)
            }
            stored.revision = 1
        }
        confirmed[injection.key] = stored
        if tracked.count < configuration.maxPending || tracked[injection.agent + "/" + conn.uid] != nil {
            tracked[injection.agent + "/" + conn.uid] = injection
        }
        return stored
    }

    /// Adds another injection attempt (same callback) to a confirmed finding without replacing its evidence.
    static func fold(_ attempt: Injection, into finding: inout Finding) {
        let http = attempt.http
        var update = finding
        let uri = http.uriRaw ?? http.uri ?? "-"
        if update.indicators.uris.count < Finding.maxListCount, !update.indicators.uris.contains(uri) {
            update.indicators.uris.append(uri)
        }
        if update.uids.count < Finding.maxListCount, !update.uids.contains(http.uid) { update.uids.append(http.uid) }
        if update.flows.count < Finding.maxListCount, !update.flows.contains(.init(http.id, .tcp)) {
            update.flows.append(.init(http.id, .tcp))
        }
        let attacker = http.id.originatorHost
        if update.indicators.addresses.count < Finding.maxListCount, !update.indicators.addresses.contains(attacker) {
            update.indicators.addresses.append(attacker)
        }
        update.firstSeen = min(update.firstSeen, http.ts)
        update.lastSeen = max(update.lastSeen, http.ts)
        let attempts = Set(update.indicators.uris).count
        update.setEvidence("injection_attempts", String(attempts))
        if update != finding {
            update.revision = finding.revision + 1
            finding = update
        }
    }

    func observation(_ injection: Injection, _ conn: ConnRecord, context: DetectionContext) -> Finding {
        let http = injection.http
        let uri = http.uriRaw ?? http.uri ?? "-"
        let callback = (injection.match.callbackHost ?? "-") + (injection.match.callbackPort.map { ":\($0)" } ?? "")
        let delay = (conn.ts - http.ts).seconds
        let duration = conn.duration ?? .zero
        let evidence: [Finding.Evidence] = [
            .init("injected_uri", uri),
            .init("decoded_payload", String(injection.match.decoded.prefix(512))),
            .init("techniques", injection.match.techniques.joined(separator: ",")),
            .init("attacker", http.id.originatorHost.description),
            .init("http_uid", http.uid),
            .init("callback", callback),
            .init("callback_uid", conn.uid),
            .init("callback_flow", conn.flowText),
            .init("callback_delay_s", String(Double(Int(delay * 1000)) / 1000)),
            .init("callback_duration_s", String(Int(duration.seconds))),
            .init("callback_open", conn.interim ? "true" : "false"),
            .init("callback_service", conn.service.isEmpty ? "-" : conn.service.joined(separator: ",")),
            .init("callback_bytes", "\(conn.originatorBytes ?? 0)/\(conn.responderBytes ?? 0)"),
        ]
        let flows: [Finding.Flow] = [.init(http.id, .tcp), .init(conn.id, conn.proto)]
        let uids = [http.uid, conn.uid]
        var addresses = [conn.id.responderHost]
        let lastSeen = max(http.ts, conn.ts + duration)
        let tail =
            " followed \(String(Double(Int(delay * 10)) / 10)) s later by \(conn.flowText)"
            + " (\(Int(duration.seconds / 60)) min\(conn.interim ? ", still open" : ""))"
        if let address = injection.match.callbackAddress, !addresses.contains(address) { addresses.append(address) }
        if !addresses.contains(http.id.originatorHost) { addresses.append(http.id.originatorHost) }
        return Finding(
            detector: Self.name, key: injection.key, severity: .critical, score: 1, agentID: context.agentID,
            host: http.id.responderHost, flows: flows, uids: uids, firstSeen: http.ts, lastSeen: lastSeen,
            indicators: .init(
                addresses: addresses,
                domains: injection.match.callbackAddress == nil ? [injection.match.callbackHost ?? ""] : [],
                uris: [uri]),
            evidence: evidence,
            summary: "Reverse shell: command injection from \(http.id.originatorHost) to \(http.id.responderHost) "
                + "naming \(callback)" + tail)
    }

    /// Forgets what is older than the window and keeps the bounds. Dictionaries are pruned in place
    /// and the oldest entries over a bound found by sorting (time, key) pairs: rebuilding them with
    /// `filter` and sorting whole entries (connection records and all) for every batch took a tenth
    /// of `fleetctl analyze` on a busy capture.
    mutating func age(now: NetworkTime) {
        let horizon = NetworkTime(
            microseconds: now.microseconds &- configuration.window.microseconds
                &- configuration.slack.microseconds)
        pending.removeAll { $0.http.ts < horizon }
        if pending.count > configuration.maxPending { pending.removeFirst(pending.count - configuration.maxPending) }
        // The window first; the bounds then count what is left.
        for key in Self.expired(recent, keeping: { $0.end >= horizon }) {
            recent[key] = nil
        }
        for key in Self.oldest(recent, over: configuration.maxRecentConnections, by: { $0.start }) { recent[key] = nil }
        for key in Self.expired(confirmed, keeping: { $0.lastSeen >= horizon }) { confirmed[key] = nil }
        for key in Self.expired(tracked, keeping: { confirmed[$0.key] != nil }) { tracked[key] = nil }
        for key in Self.oldest(confirmed, over: configuration.maxPending, by: { $0.lastSeen }) { confirmed[key] = nil }
    }

    /// Keys of the entries `keep` rejects. Values are read in place, not copied out.
    static func expired<Value>(_ dictionary: [String: Value], keeping keep: (borrowing Value) -> Bool) -> [String] {
        var keys: [String] = []
        for index in dictionary.indices where !keep(dictionary.values[index]) { keys.append(dictionary.keys[index]) }
        return keys
    }

    /// Keys of the entries with the earliest `time` beyond the first `limit` (ties in iteration order).
    static func oldest<Value>(_ dictionary: [String: Value], over limit: Int, by time: (borrowing Value) -> NetworkTime) -> [String] {
        guard dictionary.count > limit else { return [] }
        let ordered = dictionary.indices.map { (time: time(dictionary.values[$0]), index: $0) }.sorted { $0.time < $1.time }
        return ordered.prefix(dictionary.count - limit).map { dictionary.keys[$0.index] }
    }
}

import Foundation

/// Per-log, per-field agreement between our logs and Zeek's baselines.
///
/// Rows are matched as multisets on the log's key (5-tuple and proto for conn,
/// plus trans_id+query for dns, trans_depth for http, name for weird); within
/// one key the pairing is greedy on the number of equal fields. A baseline row
/// with no partner counts as a disagreement on every field.
struct AgreementTally {
    struct Count: Sendable, Hashable {
        var agreed = 0
        var total = 0
        var percent: Double { total == 0 ? 100 : Double(agreed) * 100 / Double(total) }
    }

    /// `conn.rows`, `conn.headline`, `conn.history`, ... -> counts.
    private(set) var counts: [String: Count] = [:]
    /// Order of first appearance, for printing.
    private(set) var order: [String] = []
    /// Human-readable disagreements (ours vs Zeek).
    private(set) var disagreements: [String] = []

    static let idFields = ["id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p"]
    static let keyFields: [String: [String]] = [
        "conn": idFields + ["proto"],
        "dns": idFields + ["proto", "trans_id", "query"],
        "http": idFields + ["trans_depth"],
        "ssl": idFields,
        "weird": idFields + ["name"],
    ]
    /// Fields a row must agree on to count as identical (the issue's headline targets).
    static let headlineFields: [String: [String]] = [
        "conn": idFields + ["proto", "conn_state", "history", "duration", "orig_bytes", "resp_bytes",
                            "orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes"],
        "dns": ["query", "qtype", "rcode", "answers"],
        "http": ["method", "host", "uri", "status_code"],
        "ssl": ["server_name"],
        "weird": ["name"],
    ]
    /// Never compared: masked, run-dependent ids, or things Zeek fills from analyzers we don't have.
    static let ignoredFields: Set<String> = [
        "uid", "tunnel_parents", "orig_fuids", "resp_fuids", "cert_chain_fps", "client_cert_chain_fps",
    ]

    /// Compared and counted, but left out of the printed disagreements: features
    /// Fleetwatch does not implement yet (file analysis, certificate checks).
    static let notImplementedFields: Set<String> = [
        "orig_filenames", "orig_mime_types", "resp_filenames", "resp_mime_types", "sni_matches_cert",
    ]

    private mutating func count(_ key: String, agreed: Bool) {
        if counts[key] == nil { order.append(key) }
        counts[key, default: Count()].total += 1
        if agreed { counts[key, default: Count()].agreed += 1 }
    }

    /// Compares one baseline table with our table of the same log.
    mutating func compare(trace: String, log: String, bare: Bool, baseline: ZeekLogTable, ours: ZeekLogTable) {
        let keyFields = (Self.keyFields[log] ?? []).filter { baseline.column($0) != nil }
        let compared = baseline.fields.filter { !Self.ignoredFields.contains($0) && ours.column($0) != nil }
        let headline = (Self.headlineFields[log] ?? []).filter { baseline.column($0) != nil }
        func value(_ table: ZeekLogTable, _ row: [String], _ field: String) -> String {
            guard let index = table.column(field), index < row.count else { return "<none>" }
            return row[index]
        }
        func key(_ table: ZeekLogTable, _ row: [String]) -> [String] { keyFields.map { value(table, row, $0) } }
        func equal(_ field: String, ours: String, zeek: String) -> Bool {
            if field == "ts", zeek.hasPrefix("XXXX") { return true }
            if field == "service", bare, zeek == "-" { return true }
            if field == "duration", let a = Double(ours), let b = Double(zeek) { return abs(a - b) <= 0.001 + 1e-9 }
            return ours == zeek
        }
        var pool: [[String]: [[String]]] = [:]
        for row in ours.rows { pool[key(ours, row), default: []].append(row) }
        for row in baseline.rows {
            let rowKey = key(baseline, row)
            var candidates = pool[rowKey] ?? []
            var best: Int?
            var bestScore = -1
            for (index, candidate) in candidates.enumerated() {
                let score = compared.filter { equal($0, ours: value(ours, candidate, $0), zeek: value(baseline, row, $0)) }.count
                if score > bestScore { best = index; bestScore = score }
            }
            guard let best else {
                count("\(log).rows", agreed: false)
                count("\(log).headline", agreed: false)
                for field in compared { count("\(log).\(field)", agreed: false) }
                disagreements.append("\(trace) \(log) MISSING (Zeek has, we don't): \(zip(baseline.fields, row).map { "\($0)=\($1)" }.joined(separator: " "))")
                continue
            }
            let partner = candidates.remove(at: best)
            pool[rowKey] = candidates
            count("\(log).rows", agreed: true)
            var differences: [String] = []
            for field in compared {
                let agreed = equal(field, ours: value(ours, partner, field), zeek: value(baseline, row, field))
                count("\(log).\(field)", agreed: agreed)
                if !agreed, !Self.notImplementedFields.contains(field) { differences.append("\(field): ours=\(value(ours, partner, field)) zeek=\(value(baseline, row, field))") }
            }
            let headlineAgreed = headline.allSatisfy { equal($0, ours: value(ours, partner, $0), zeek: value(baseline, row, $0)) }
            count("\(log).headline", agreed: headlineAgreed)
            if !differences.isEmpty {
                disagreements.append("\(trace) \(log) [\(rowKey.joined(separator: " "))] " + differences.joined(separator: "; "))
            }
        }
        let extra = pool.values.reduce(0) { $0 + $1.count }
        if extra > 0 && keyFields.count > 1 {
            for rows in pool.values {
                for row in rows {
                    disagreements.append("\(trace) \(log) EXTRA (we have, Zeek doesn't): \(zip(ours.fields, row).filter { $0.0 != "ts" && $0.0 != "uid" }.map { "\($0)=\($1)" }.joined(separator: " "))")
                }
            }
        }
    }

    /// Agreement table: one line per log and field.
    func table() -> String {
        var text = "metric".padding(toLength: 28, withPad: " ", startingAt: 0) + "agreed / baseline       %\n"
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let sorted = order.sorted { a, b in
            let (ra, rb) = (Self.rank(a), Self.rank(b))
            return ra != rb ? ra.lexicographicallyPrecedes(rb) : position[a, default: 0] < position[b, default: 0]
        }
        for key in sorted {
            guard let count = counts[key] else { continue }
            let numbers = "\(count.agreed) / \(count.total)"
            text += key.padding(toLength: 28, withPad: " ", startingAt: 0)
                + numbers.padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(format: "%6.1f", count.percent) + "\n"
        }
        return text
    }

    private static func rank(_ key: String) -> [Int] {
        let logs = ["conn", "dns", "http", "ssl", "weird"]
        let parts = key.split(separator: ".", maxSplits: 1)
        let log = logs.firstIndex(of: String(parts.first ?? "")) ?? logs.count
        let field = parts.count > 1 ? String(parts[1]) : ""
        return [log, field == "rows" ? 0 : field == "headline" ? 1 : 2]
    }
}

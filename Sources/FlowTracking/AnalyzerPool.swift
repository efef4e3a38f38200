/// Analyzers of removed connections, reset and kept for the next connections that need
/// the same kind: a reused analyzer keeps its existential box and its scratch buffers'
/// storage instead of allocating them again for every flow.
struct AnalyzerPool {
    /// Most analyzers kept per kind.
    static let maximumPerKind = 256

    private var http: [any AppAnalyzer] = []
    private var ssl: [any AppAnalyzer] = []
    private var dns: [any AppAnalyzer] = []

    /// A reset analyzer of `kind`, if one is kept.
    mutating func take(_ kind: StandardAnalyzer) -> (any AppAnalyzer)? {
        switch kind {
        case .http: return http.popLast()
        case .ssl: return ssl.popLast()
        case .dns: return dns.popLast()
        case .ssh: return nil
        }
    }

    /// Keeps the analyzer of a slot that leaves its connection, when it can be reset.
    mutating func recycle(_ slot: inout AnalyzerSlot) {
        guard let kind = slot.kind else { return }
        switch kind {
        case .http:
            guard http.count < Self.maximumPerKind, slot.analyzer.resetForReuse() else { return }
            http.append(slot.analyzer)
        case .ssl:
            guard ssl.count < Self.maximumPerKind, slot.analyzer.resetForReuse() else { return }
            ssl.append(slot.analyzer)
        case .dns:
            guard dns.count < Self.maximumPerKind, slot.analyzer.resetForReuse() else { return }
            dns.append(slot.analyzer)
        case .ssh:
            return
        }
    }
}

extension DNSAnalyzer {
    /// A fresh analyzer in the same existential box (the tracker reuses finished DNS analyzers).
    public mutating func resetForReuse() -> Bool {
        self = DNSAnalyzer()
        return true
    }
}

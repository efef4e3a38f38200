/// The capture filter that keeps the agent's own traffic out of its records.
public enum OwnTrafficFilter {
    /// The BPF expression that excludes the TCP traffic to every endpoint (duplicates once),
    /// combined with the user's `filter` when given: `(FILTER) and not ((host A and tcp port P) or …)`.
    public static func bpf(excluding endpoints: [ShipperEndpoint], filter: String? = nil) -> String {
        var seen: Set<String> = []
        let terms = endpoints.compactMap { endpoint -> String? in
            let term = "host \(endpoint.host) and tcp port \(endpoint.port)"
            return seen.insert(term).inserted ? term : nil
        }
        var result = filter.flatMap { $0.isEmpty ? nil : "(\($0))" } ?? ""
        if !terms.isEmpty {
            let exclusion = terms.count == 1 ? "not (\(terms[0]))" : "not (" + terms.map { "(\($0))" }.joined(separator: " or ") + ")"
            result = result.isEmpty ? exclusion : result + " and " + exclusion
        }
        return result
    }
}

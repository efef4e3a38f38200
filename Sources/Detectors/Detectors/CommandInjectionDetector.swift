public import FleetModel

/// Flags HTTP requests whose target (or User-Agent / Referer) carries a shell command injection.
///
/// - Inputs: HTTP records; `uriRaw` (wire form) is preferred, `uri` (Zeek-decoded) is the fallback;
///   headers `User-Agent` and `Referer` are checked for idioms only.
/// - Matching: ``PayloadMatcher`` after ``PayloadDecoder`` (percent/`+`/double/`%u` decoding, `${IFS}`, base64).
/// - Score: the matcher's score. Severity: reverse-shell / download-exec idiom or Shellshock → high;
///   metacharacter chain alone → medium. Never critical alone: ``InjectionCallbackDetector`` escalates when
///   the callback is seen.
/// - Key: agent + targeted server + callback host (or `-`), so repeated attempts update one finding.
public struct CommandInjectionDetector: Detector {
    public static let name = "command-injection"

    public struct Configuration: Sendable, Hashable {
        public var inspectHeaders = true
        public init() {}
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Runs the matcher on the request target, then on headers. Shared with ``InjectionCallbackDetector``.
    public static func inspect(_ http: HTTPRecord, headers: Bool = true) -> (match: PayloadMatch, field: String)? {
        for (field, value) in [("uri_raw", http.uriRaw), ("uri", http.uri)] {
            if let value, let match = PayloadMatcher.match(uri: value) { return (match, field) }
        }
        guard headers else { return nil }
        for (field, value) in [("user_agent", http.userAgent), ("referrer", http.referrer)] {
            if let value, let match = PayloadMatcher.match(header: value) { return (match, field) }
        }
        return nil
    }

    /// The inspection of `batch.http[index]` with this detector's header setting, from the context's
    /// shared inspections when present.
    static func inspection(
        _ index: Int, of batch: RecordBatch, context: DetectionContext, headers: Bool
    ) -> (match: PayloadMatch, field: String)? {
        guard let shared = context.httpInspections, shared.count == batch.http.count else {
            return inspect(batch.http[index], headers: headers)
        }
        // Shared inspections include headers; without them only a request-target match counts (the
        // target is inspected first, so a header match means the target had none).
        guard let found = shared[index], headers || found.field == "uri_raw" || found.field == "uri" else { return nil }
        return found
    }

    public mutating func ingest(_ batch: RecordBatch, context: DetectionContext) -> [Finding] {
        batch.http.indices.compactMap { index in
            let http = batch.http[index]
            guard let (match, field) = Self.inspection(index, of: batch, context: context, headers: configuration.inspectHeaders)
            else { return nil }
            let idiom = match.reverseShell || match.techniques.contains("shellshock")
            let level: Severity = idiom ? .high : .medium
            let uri = http.uriRaw ?? http.uri ?? "-"
            let target = http.id.responderHost
            let callback = match.callbackHost.map { $0 + (match.callbackPort.map { ":\($0)" } ?? "") }
            var indicators = Finding.Indicators(addresses: [http.id.originatorHost], uris: [uri])
            if let address = match.callbackAddress {
                indicators.addresses.insert(address, at: 0)
            } else if let host = match.callbackHost {
                indicators.domains.append(host)
            }
            return Finding(
                detector: Self.name,
                key: context.agentID + "/" + target.description + "/" + (match.callbackHost ?? "-"),
                severity: level, score: match.score, agentID: context.agentID, host: target,
                flows: [.init(http.id, .tcp)], uids: [http.uid], firstSeen: http.ts, lastSeen: http.ts,
                indicators: indicators,
                evidence: [
                    .init("field", field),
                    .init("method", http.method ?? "-"),
                    .init("uri", uri),
                    .init("decoded", String(match.decoded.prefix(512))),
                    .init("techniques", match.techniques.joined(separator: ",")),
                    .init("callback", callback ?? "-"),
                    .init("status", http.statusCode.map { String($0) } ?? "-"),
                ],
                summary: "Command injection \(idiom ? "with reverse shell " : "")from \(http.id.originatorHost) to "
                    + "\(target):\(http.id.responderPort)" + (callback.map { " calling back to \($0)" } ?? ""))
        }
    }
}

extension Finding {
    /// The finding as a JSON object tree (`[String: Any]` of strings, numbers, arrays and objects), with
    /// the field names of the query API and `fleetctl ... -o json`: `id`, `detector`, `severity`, `score`,
    /// `agent`, `host`, `first_seen`/`last_seen` (epoch seconds), `uids`, `summary`, `revision`, `flows`
    /// (`id.orig_h`, `id.orig_p`, `id.resp_h`, `id.resp_p`, `proto`), `indicators` (`addresses`, `domains`,
    /// `uris`) and `evidence`. One definition for the server and the CLI; each serializes it itself.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "id": id,
            "detector": detector,
            "severity": severity.rawValue,
            "score": score,
            "agent": agentID,
            "first_seen": firstSeen.seconds,
            "last_seen": lastSeen.seconds,
            "uids": uids,
            "summary": summary,
            "revision": revision,
            "flows": flows.map { flow -> [String: Any] in
                [
                    "id.orig_h": flow.id.originatorHost.description, "id.orig_p": Int(flow.id.originatorPort),
                    "id.resp_h": flow.id.responderHost.description, "id.resp_p": Int(flow.id.responderPort),
                    "proto": flow.proto.rawValue,
                ]
            },
            "indicators": [
                "addresses": indicators.addresses.map(\.description),
                "domains": indicators.domains,
                "uris": indicators.uris,
            ],
            "evidence": Dictionary(evidence.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }),
        ]
        if let host { object["host"] = host.description }
        return object
    }
}

import GRDB

extension SQLiteSchema {
    /// Migration `v2-findings`: the detectors' findings, one row per finding id.
    ///
    /// The full finding is kept as JSON (`finding`); the columns beside it are copies of the fields
    /// queries filter and sort on (severity rank, detector, agent, host, first/last seen), written
    /// from the same value in the same statement. Never edited once shipped.
    static let v2FindingsName = "v2-findings"

    static let v2Findings = """
        CREATE TABLE findings (
            id TEXT NOT NULL PRIMARY KEY,
            detector TEXT NOT NULL CHECK (length(detector) > 0),
            severity_rank INTEGER NOT NULL CHECK (severity_rank BETWEEN 0 AND 4),
            score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
            agent_id TEXT NOT NULL,
            host BLOB CHECK (host IS NULL OR length(host) IN (5, 17)),
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            revision INTEGER NOT NULL CHECK (revision >= 1),
            finding TEXT NOT NULL CHECK (json_valid(finding))
        ) STRICT;
        CREATE INDEX findings_rank_last_seen ON findings (severity_rank DESC, last_seen DESC, id);
        CREATE INDEX findings_last_seen ON findings (last_seen);
        CREATE INDEX findings_agent_last_seen ON findings (agent_id, last_seen);
        CREATE INDEX findings_detector_last_seen ON findings (detector, last_seen);
        CREATE INDEX findings_host ON findings (host);
        """
}

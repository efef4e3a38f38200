/// The PostgreSQL schema as named, versioned migrations, with the same names as the SQLite ones
/// (`v1-agents`, `v1-records`, `v2-findings`, `v2-query-indexes`), plus `v3-detection-feed`, which only a
/// shared store needs (SQLite serves one aggregator, which detects on what it commits). Once shipped, a migration is never
/// edited: changes go in a new one. Applied names are kept in `fleet_migrations`.
///
/// Conventions: times and durations are bigint microseconds; addresses are `inet`; UInt64 counters
/// are stored as their Int64 bit pattern; lists are arrays; booleans are `boolean`.
/// Record tables are range-partitioned by day on `ts` (``PostgresPartitions`` creates the days on
/// demand), so retention drops whole partitions.
enum PostgresSchema {
    /// Every migration, in order.
    static let migrations: [(name: String, sql: String)] = [
        ("v1-agents", v1Agents),
        ("v1-records", v1Records),
        ("v2-findings", v2Findings),
        ("v2-query-indexes", v2QueryIndexes),
        ("v3-detection-feed", v3DetectionFeed),
    ]

    /// The record tables (each partitioned by day on `ts`).
    static let recordTables = ["conn", "dns", "http", "ssl", "weird"]

    static let migrationsTable = """
        CREATE TABLE IF NOT EXISTS fleet_migrations (
            name text NOT NULL PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    private static let v1Agents = """
        CREATE TABLE agents (
            agent_id text NOT NULL PRIMARY KEY,
            hostname text NOT NULL,
            addresses text[] NOT NULL,
            vpc_cidrs text[] NOT NULL,
            version text NOT NULL,
            first_seen bigint NOT NULL,
            last_seen bigint NOT NULL,
            packets bigint NOT NULL DEFAULT 0,
            drops bigint NOT NULL DEFAULT 0,
            batches bigint NOT NULL DEFAULT 0,
            records bigint NOT NULL DEFAULT 0,
            duplicate_batches bigint NOT NULL DEFAULT 0,
            missed_batches bigint NOT NULL DEFAULT 0,
            CHECK (first_seen <= last_seen)
        );
        CREATE TABLE agent_sequences (
            agent_id text NOT NULL PRIMARY KEY REFERENCES agents (agent_id),
            last_sequence bigint NOT NULL CHECK (last_sequence >= 0)
        );
        """

    private static let endpoints = """
            orig_h inet NOT NULL,
            orig_p integer NOT NULL CHECK (orig_p BETWEEN 0 AND 65535),
            resp_h inet NOT NULL,
            resp_p integer NOT NULL CHECK (resp_p BETWEEN 0 AND 65535),
        """

    private static let v1Records = """
        CREATE TABLE conn (
            id bigint GENERATED ALWAYS AS IDENTITY,
            agent_id text NOT NULL,
            ts bigint NOT NULL,
            uid text NOT NULL,
        \(endpoints)
            proto text NOT NULL,
            service text[] NOT NULL,
            duration bigint,
            orig_bytes bigint,
            resp_bytes bigint,
            conn_state text NOT NULL,
            local_orig boolean,
            local_resp boolean,
            missed_bytes bigint NOT NULL,
            history text NOT NULL,
            orig_pkts bigint NOT NULL,
            orig_ip_bytes bigint NOT NULL,
            resp_pkts bigint NOT NULL,
            resp_ip_bytes bigint NOT NULL,
            tunnel_parents text[] NOT NULL,
            ip_proto smallint NOT NULL CHECK (ip_proto BETWEEN 0 AND 255),
            interim boolean NOT NULL,
            vlan integer,
            inner_vlan integer,
            UNIQUE (agent_id, uid, ts)
        ) PARTITION BY RANGE (ts);
        CREATE INDEX conn_ts ON conn (ts);
        CREATE INDEX conn_agent_ts ON conn (agent_id, ts);
        CREATE INDEX conn_orig_h ON conn (orig_h);
        CREATE INDEX conn_resp_h ON conn (resp_h);

        CREATE TABLE dns (
            id bigint GENERATED ALWAYS AS IDENTITY,
            agent_id text NOT NULL,
            ts bigint NOT NULL,
            uid text NOT NULL,
        \(endpoints)
            proto text NOT NULL,
            trans_id integer,
            rtt bigint,
            query text,
            query_rev text COLLATE "C",
            qclass integer,
            qtype integer,
            rcode integer,
            aa boolean NOT NULL,
            tc boolean NOT NULL,
            rd boolean NOT NULL,
            ra boolean NOT NULL,
            z integer NOT NULL,
            answers text[] NOT NULL,
            ttls bigint[] NOT NULL,
            rejected boolean NOT NULL,
            opcode integer,
            CHECK ((query IS NULL) = (query_rev IS NULL))
        ) PARTITION BY RANGE (ts);
        CREATE INDEX dns_ts ON dns (ts);
        CREATE INDEX dns_agent_ts ON dns (agent_id, ts);
        CREATE INDEX dns_orig_h ON dns (orig_h);
        CREATE INDEX dns_resp_h ON dns (resp_h);
        CREATE INDEX dns_query_rev ON dns (query_rev);

        CREATE TABLE http (
            id bigint GENERATED ALWAYS AS IDENTITY,
            agent_id text NOT NULL,
            ts bigint NOT NULL,
            uid text NOT NULL,
        \(endpoints)
            trans_depth bigint NOT NULL,
            method text,
            host text,
            uri text,
            referrer text,
            version text,
            user_agent text,
            origin text,
            request_body_len bigint NOT NULL,
            response_body_len bigint NOT NULL,
            status_code integer,
            status_msg text,
            info_code integer,
            info_msg text,
            tags text[] NOT NULL,
            username text,
            password text,
            proxied text[] NOT NULL,
            uri_raw text
        ) PARTITION BY RANGE (ts);
        CREATE INDEX http_ts ON http (ts);
        CREATE INDEX http_agent_ts ON http (agent_id, ts);
        CREATE INDEX http_orig_h ON http (orig_h);
        CREATE INDEX http_resp_h ON http (resp_h);

        CREATE TABLE ssl (
            id bigint GENERATED ALWAYS AS IDENTITY,
            agent_id text NOT NULL,
            ts bigint NOT NULL,
            uid text NOT NULL,
        \(endpoints)
            version text,
            cipher text,
            curve text,
            server_name text,
            resumed boolean NOT NULL,
            last_alert text,
            next_protocol text,
            established boolean NOT NULL,
            ssl_history text
        ) PARTITION BY RANGE (ts);
        CREATE INDEX ssl_ts ON ssl (ts);
        CREATE INDEX ssl_agent_ts ON ssl (agent_id, ts);
        CREATE INDEX ssl_orig_h ON ssl (orig_h);
        CREATE INDEX ssl_resp_h ON ssl (resp_h);

        CREATE TABLE weird (
            id bigint GENERATED ALWAYS AS IDENTITY,
            agent_id text NOT NULL,
            ts bigint NOT NULL,
            uid text,
            orig_h inet,
            orig_p integer CHECK (orig_p BETWEEN 0 AND 65535),
            resp_h inet,
            resp_p integer CHECK (resp_p BETWEEN 0 AND 65535),
            name text NOT NULL,
            addl text,
            notice boolean NOT NULL,
            peer text NOT NULL,
            source text,
            CHECK ((orig_h IS NULL) = (orig_p IS NULL) AND (orig_h IS NULL) = (resp_h IS NULL)
                AND (orig_h IS NULL) = (resp_p IS NULL))
        ) PARTITION BY RANGE (ts);
        CREATE INDEX weird_ts ON weird (ts);
        CREATE INDEX weird_agent_ts ON weird (agent_id, ts);
        """

    /// Migration `v2-findings`: the detectors' findings, one row per finding id (the finding as
    /// JSON plus copies of the fields queries filter and sort on).
    private static let v2Findings = """
        CREATE TABLE findings (
            id text NOT NULL PRIMARY KEY,
            detector text NOT NULL CHECK (length(detector) > 0),
            severity_rank integer NOT NULL CHECK (severity_rank BETWEEN 0 AND 4),
            score double precision NOT NULL CHECK (score BETWEEN 0 AND 1),
            agent_id text NOT NULL,
            host inet,
            first_seen bigint NOT NULL,
            last_seen bigint NOT NULL,
            revision bigint NOT NULL CHECK (revision >= 1),
            finding text NOT NULL
        );
        CREATE INDEX findings_rank_last_seen ON findings (severity_rank DESC, last_seen DESC, id);
        CREATE INDEX findings_last_seen ON findings (last_seen);
        CREATE INDEX findings_agent_last_seen ON findings (agent_id, last_seen);
        CREATE INDEX findings_detector_last_seen ON findings (detector, last_seen);
        CREATE INDEX findings_host ON findings (host);
        """

    /// Address and DNS-name indexes that carry `ts` (as in SQLite's `v2-query-indexes`).
    private static let v2QueryIndexes = """
        DROP INDEX conn_orig_h;
        DROP INDEX conn_resp_h;
        CREATE INDEX conn_orig_h_ts ON conn (orig_h, ts);
        CREATE INDEX conn_resp_h_ts ON conn (resp_h, ts);
        DROP INDEX dns_orig_h;
        DROP INDEX dns_resp_h;
        DROP INDEX dns_query_rev;
        CREATE INDEX dns_orig_h_ts ON dns (orig_h, ts);
        CREATE INDEX dns_resp_h_ts ON dns (resp_h, ts);
        CREATE INDEX dns_query_rev_ts ON dns (query_rev, ts);
        DROP INDEX http_orig_h;
        DROP INDEX http_resp_h;
        CREATE INDEX http_orig_h_ts ON http (orig_h, ts);
        CREATE INDEX http_resp_h_ts ON http (resp_h, ts);
        DROP INDEX ssl_orig_h;
        DROP INDEX ssl_resp_h;
        CREATE INDEX ssl_orig_h_ts ON ssl (orig_h, ts);
        CREATE INDEX ssl_resp_h_ts ON ssl (resp_h, ts);
        CREATE INDEX weird_orig_h_ts ON weird (orig_h, ts);
        CREATE INDEX weird_resp_h_ts ON weird (resp_h, ts);
        """

    /// Migration `v3-detection-feed`: every committed batch in commit order (``PostgresDetectionFeed``),
    /// and the detection lease holder's cursor.
    private static let v3DetectionFeed = """
        CREATE TABLE detection_feed (
            position bigserial NOT NULL PRIMARY KEY,
            agent_id text NOT NULL,
            sequence bigint NOT NULL,
            received_at bigint NOT NULL,
            batch bytea NOT NULL
        );
        CREATE INDEX detection_feed_received_at ON detection_feed (received_at);
        CREATE TABLE detection_cursor (
            name text NOT NULL PRIMARY KEY,
            position bigint NOT NULL CHECK (position >= 0)
        );
        INSERT INTO detection_cursor (name, position) VALUES ('fleet', 0)
        """
}

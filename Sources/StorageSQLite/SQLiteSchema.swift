import GRDB

/// The SQLite schema as named, versioned migrations. Once shipped, a migration is never edited:
/// changes go in a new one. The PostgreSQL backend mirrors these names.
///
/// Conventions: times and durations are INTEGER microseconds; addresses are ``AddressBlob``s;
/// UInt64 counters are stored as their Int64 bit pattern; lists are JSON array text; booleans are 0/1.
enum SQLiteSchema {
    /// The migrator with every migration registered, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-agents") { db in
            try db.execute(sql: v1Agents)
        }
        migrator.registerMigration("v1-records") { db in
            try db.execute(sql: v1Records)
        }
        migrator.registerMigration(v2FindingsName) { db in
            try db.execute(sql: v2Findings)
        }
        migrator.registerMigration("v2-query-indexes") { db in
            try db.execute(sql: v2QueryIndexes)
        }
        return migrator
    }

    private static let v1Agents = """
        CREATE TABLE agents (
            agent_id TEXT NOT NULL PRIMARY KEY,
            hostname TEXT NOT NULL,
            addresses TEXT NOT NULL,
            vpc_cidrs TEXT NOT NULL,
            version TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            packets INTEGER NOT NULL DEFAULT 0,
            drops INTEGER NOT NULL DEFAULT 0,
            batches INTEGER NOT NULL DEFAULT 0,
            records INTEGER NOT NULL DEFAULT 0,
            duplicate_batches INTEGER NOT NULL DEFAULT 0,
            missed_batches INTEGER NOT NULL DEFAULT 0,
            CHECK (first_seen <= last_seen)
        ) STRICT;
        CREATE TABLE agent_sequences (
            agent_id TEXT NOT NULL PRIMARY KEY REFERENCES agents (agent_id),
            last_sequence INTEGER NOT NULL CHECK (last_sequence >= 1)
        ) STRICT;
        """

    /// Address indexes carry `ts`, so "this host in this window" is a range on each side instead
    /// of every record of the host; the DNS name index too. Replaces the v1 single-column ones.
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

    private static let endpoints = """
            orig_h BLOB NOT NULL CHECK (length(orig_h) IN (5, 17)),
            orig_p INTEGER NOT NULL CHECK (orig_p BETWEEN 0 AND 65535),
            resp_h BLOB NOT NULL CHECK (length(resp_h) IN (5, 17)),
            resp_p INTEGER NOT NULL CHECK (resp_p BETWEEN 0 AND 65535),
        """

    private static let v1Records = """
        CREATE TABLE conn (
            id INTEGER PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES agents (agent_id),
            ts INTEGER NOT NULL,
            uid TEXT NOT NULL,
        \(endpoints)
            proto TEXT NOT NULL,
            service TEXT NOT NULL,
            duration INTEGER,
            orig_bytes INTEGER,
            resp_bytes INTEGER,
            conn_state TEXT NOT NULL,
            local_orig INTEGER CHECK (local_orig IN (0, 1)),
            local_resp INTEGER CHECK (local_resp IN (0, 1)),
            missed_bytes INTEGER NOT NULL,
            history TEXT NOT NULL,
            orig_pkts INTEGER NOT NULL,
            orig_ip_bytes INTEGER NOT NULL,
            resp_pkts INTEGER NOT NULL,
            resp_ip_bytes INTEGER NOT NULL,
            tunnel_parents TEXT NOT NULL,
            ip_proto INTEGER NOT NULL CHECK (ip_proto BETWEEN 0 AND 255),
            interim INTEGER NOT NULL CHECK (interim IN (0, 1)),
            vlan INTEGER,
            inner_vlan INTEGER,
            UNIQUE (agent_id, uid)
        ) STRICT;
        CREATE INDEX conn_ts ON conn (ts);
        CREATE INDEX conn_agent_ts ON conn (agent_id, ts);
        CREATE INDEX conn_orig_h ON conn (orig_h);
        CREATE INDEX conn_resp_h ON conn (resp_h);

        CREATE TABLE dns (
            id INTEGER PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES agents (agent_id),
            ts INTEGER NOT NULL,
            uid TEXT NOT NULL,
        \(endpoints)
            proto TEXT NOT NULL,
            trans_id INTEGER,
            rtt INTEGER,
            query TEXT,
            query_rev TEXT,
            qclass INTEGER,
            qtype INTEGER,
            rcode INTEGER,
            aa INTEGER NOT NULL CHECK (aa IN (0, 1)),
            tc INTEGER NOT NULL CHECK (tc IN (0, 1)),
            rd INTEGER NOT NULL CHECK (rd IN (0, 1)),
            ra INTEGER NOT NULL CHECK (ra IN (0, 1)),
            z INTEGER NOT NULL,
            answers TEXT NOT NULL,
            ttls TEXT NOT NULL,
            rejected INTEGER NOT NULL CHECK (rejected IN (0, 1)),
            opcode INTEGER,
            CHECK ((query IS NULL) = (query_rev IS NULL))
        ) STRICT;
        CREATE INDEX dns_ts ON dns (ts);
        CREATE INDEX dns_agent_ts ON dns (agent_id, ts);
        CREATE INDEX dns_orig_h ON dns (orig_h);
        CREATE INDEX dns_resp_h ON dns (resp_h);
        CREATE INDEX dns_query_rev ON dns (query_rev);

        CREATE TABLE http (
            id INTEGER PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES agents (agent_id),
            ts INTEGER NOT NULL,
            uid TEXT NOT NULL,
        \(endpoints)
            trans_depth INTEGER NOT NULL,
            method TEXT,
            host TEXT,
            uri TEXT,
            referrer TEXT,
            version TEXT,
            user_agent TEXT,
            origin TEXT,
            request_body_len INTEGER NOT NULL,
            response_body_len INTEGER NOT NULL,
            status_code INTEGER,
            status_msg TEXT,
            info_code INTEGER,
            info_msg TEXT,
            tags TEXT NOT NULL,
            username TEXT,
            password TEXT,
            proxied TEXT NOT NULL,
            uri_raw TEXT
        ) STRICT;
        CREATE INDEX http_ts ON http (ts);
        CREATE INDEX http_agent_ts ON http (agent_id, ts);
        CREATE INDEX http_orig_h ON http (orig_h);
        CREATE INDEX http_resp_h ON http (resp_h);

        CREATE TABLE ssl (
            id INTEGER PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES agents (agent_id),
            ts INTEGER NOT NULL,
            uid TEXT NOT NULL,
        \(endpoints)
            version TEXT,
            cipher TEXT,
            curve TEXT,
            server_name TEXT,
            resumed INTEGER NOT NULL CHECK (resumed IN (0, 1)),
            last_alert TEXT,
            next_protocol TEXT,
            established INTEGER NOT NULL CHECK (established IN (0, 1)),
            ssl_history TEXT
        ) STRICT;
        CREATE INDEX ssl_ts ON ssl (ts);
        CREATE INDEX ssl_agent_ts ON ssl (agent_id, ts);
        CREATE INDEX ssl_orig_h ON ssl (orig_h);
        CREATE INDEX ssl_resp_h ON ssl (resp_h);

        CREATE TABLE weird (
            id INTEGER PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES agents (agent_id),
            ts INTEGER NOT NULL,
            uid TEXT,
            orig_h BLOB CHECK (length(orig_h) IN (5, 17)),
            orig_p INTEGER CHECK (orig_p BETWEEN 0 AND 65535),
            resp_h BLOB CHECK (length(resp_h) IN (5, 17)),
            resp_p INTEGER CHECK (resp_p BETWEEN 0 AND 65535),
            name TEXT NOT NULL,
            addl TEXT,
            notice INTEGER NOT NULL CHECK (notice IN (0, 1)),
            peer TEXT NOT NULL,
            source TEXT,
            CHECK ((orig_h IS NULL) = (orig_p IS NULL) AND (orig_h IS NULL) = (resp_h IS NULL)
                AND (orig_h IS NULL) = (resp_p IS NULL))
        ) STRICT;
        CREATE INDEX weird_ts ON weird (ts);
        CREATE INDEX weird_agent_ts ON weird (agent_id, ts);
        """
}

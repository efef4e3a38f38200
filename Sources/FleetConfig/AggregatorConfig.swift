/// Settings of `fleet-aggregator`, as read from its YAML file (`deploy/fleet-aggregator.yaml`
/// documents every key). Command-line flags override them field by field.
///
/// Adding a section: a nested `Sendable, Hashable` type with `init(from: inout ConfigMapping)`
/// that reads its keys and calls `finish()`, a property here, and one
/// `root.section("name").map { ... }` line in ``init(from:)``. Unknown keys are errors.
public struct AggregatorConfig: Sendable, Hashable {
    /// `tls:` — the ingest port's certificate.
    public struct TLS: Sendable, Hashable {
        /// `tls.cert`: PEM certificate chain, leaf first.
        public var cert: String?
        /// `tls.key`: PEM private key.
        public var key: String?
        public init() {}
    }

    /// `listen`: ingest address (default 127.0.0.1:7070).
    public var listen = HostAndPort(host: "127.0.0.1", port: 7070)
    /// `store`: SQLite database file, or a `postgres://user[:password]@host:port/database` URL
    /// (PostgreSQL, which several aggregators can share).
    public var store: String?
    /// `tokens`: file of `agent-id token` lines.
    public var tokens: String?
    /// `allow_any_agent`: accept every agent id without a token check (demos and tests only).
    public var allowAnyAgent = false
    /// `plaintext`: accept unencrypted TCP (loopback tests and demos only).
    public var plaintext = false
    public var tls = TLS()
    /// `log_level` (default info).
    public var logLevel = "info"

    /// The defaults (no file).
    public init() {}

    /// Decodes a YAML document.
    /// - Throws: ``ConfigError`` naming the key for a malformed value or an unknown key.
    public init(yaml: String) throws(ConfigError) {
        var root = try ConfigMapping.document(yaml)
        try self.init(from: &root)
    }

    /// Reads and decodes the YAML file at `path`.
    /// - Throws: ``ConfigError`` naming the file and key.
    public init(contentsOf path: String) throws(ConfigError) {
        do {
            try self.init(yaml: try ConfigFile.read(path))
        } catch {
            throw error.file == nil ? error.inFile(path) : error
        }
    }

    init(from root: inout ConfigMapping) throws(ConfigError) {
        listen = try root.hostPort("listen") ?? listen
        store = try root.string("store")
        tokens = try root.string("tokens")
        allowAnyAgent = try root.bool("allow_any_agent") ?? allowAnyAgent
        plaintext = try root.bool("plaintext") ?? plaintext
        if var section = try root.section("tls") {
            tls.cert = try section.string("cert")
            tls.key = try section.string("key")
            try section.finish()
        }
        logLevel = try root.choice("log_level", AgentConfig.logLevels) ?? logLevel
        try root.finish()
    }

    /// Checks the settings a running aggregator needs (call after applying flags).
    /// - Throws: ``ConfigError`` naming the key.
    public func validate() throws(ConfigError) {
        guard store != nil else { throw ConfigError(key: "store", "required: the SQLite database file or a postgres:// URL") }
        guard (tls.cert == nil) == (tls.key == nil) else {
            throw ConfigError(key: "tls", "tls.cert and tls.key go together")
        }
        guard plaintext != (tls.cert != nil) else {
            throw ConfigError(key: "plaintext", "give either tls.cert/tls.key or, for plain TCP, the explicit plaintext: true")
        }
        guard (tokens != nil) != allowAnyAgent else {
            throw ConfigError(key: "tokens", "give exactly one of tokens (a file) or allow_any_agent: true")
        }
        guard AgentConfig.logLevels.contains(logLevel) else {
            throw ConfigError(key: "log_level", "expected one of \(AgentConfig.logLevels.joined(separator: ", ")), got \"\(logLevel)\"")
        }
    }
}

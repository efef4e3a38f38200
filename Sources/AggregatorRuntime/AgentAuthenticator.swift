/// Decides whether a hello's (agent id, token) pair may open a session.
///
/// Tokens are bound to agent ids: a token valid for one agent does not authenticate another.
/// A value type; safe to share between connections.
public struct AgentAuthenticator: Sendable {
    private let tokens: [String: [UInt8]]
    private let allowAny: Bool

    /// Accepts exactly the given `agent id → token` pairs.
    public init(tokens: [String: String]) {
        self.tokens = tokens.mapValues { Array($0.utf8) }
        allowAny = false
    }

    private init(allowAny: Bool) {
        tokens = [:]
        self.allowAny = allowAny
    }

    /// Accepts every agent whatever its token (`--allow-any-agent`, demos and tests only).
    public static let anyAgent = AgentAuthenticator(allowAny: true)

    /// Parses a tokens file: one `agent-id token` pair per line; blank lines and `#` comments are skipped.
    /// - Throws: ``TokensFileError`` naming the first malformed line or a repeated agent id.
    public static func parse(tokensFile text: String) throws(TokensFileError) -> AgentAuthenticator {
        var tokens: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count == 2 else {
                throw TokensFileError(line: index + 1, message: "expected `agent-id token`, found \(fields.count) fields")
            }
            let agent = String(fields[0])
            guard tokens[agent] == nil else {
                throw TokensFileError(line: index + 1, message: "agent id \(agent) appears twice")
            }
            tokens[agent] = String(fields[1])
        }
        return AgentAuthenticator(tokens: tokens)
    }

    /// Number of agents with a token.
    public var agentCount: Int { tokens.count }

    /// True when `token` is `agentID`'s token (or any agent is allowed).
    /// Compares in time independent of where the tokens differ.
    public func authenticates(agentID: String, token: String) -> Bool {
        if allowAny { return !agentID.isEmpty }
        guard let expected = tokens[agentID] else { return false }
        let given = Array(token.utf8)
        var difference = UInt8(truncatingIfNeeded: expected.count ^ given.count)
        for index in 0..<expected.count {
            let other = index < given.count ? given[index] : 0
            difference |= expected[index] ^ other
        }
        return difference == 0 && expected.count == given.count
    }
}

/// A malformed tokens file.
public struct TokensFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "tokens file line \(line): \(message)" }
}

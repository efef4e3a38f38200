/// The identity of one agent in the fleet, as it introduces itself to the aggregator.
///
/// A plain string wrapper so agent ids and other strings (uids, hostnames) cannot be mixed up.
public struct AgentID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The id's text.
    public let rawValue: String

    /// Wraps an agent's id text.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Wraps a literal id (tests and fixtures).
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public var description: String { rawValue }

    public static func < (lhs: AgentID, rhs: AgentID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

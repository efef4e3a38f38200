/// The aggregator's answer to a Hello or a Batch.
public struct WireAck: Sendable, Hashable {
    /// Outcome of the acknowledged message. Unknown values from newer peers are kept.
    public struct Status: RawRepresentable, Sendable, Hashable {
        /// The `fleet.v1.Ack.Status` number.
        public var rawValue: Int
        /// Wraps any status number, known or not.
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Not set by the sender.
        public static let unspecified = Status(rawValue: 0)
        /// Stored (batch) or session accepted (hello).
        public static let ok = Status(rawValue: 1)
        /// Already stored; the agent may drop its copy.
        public static let duplicate = Status(rawValue: 2)
        /// Not stored now; the agent keeps the batch and retries later.
        public static let retry = Status(rawValue: 3)
        /// Refused for good; the agent drops the batch and counts it.
        public static let rejected = Status(rawValue: 4)
    }

    /// Agent the acknowledgement is for.
    public var agentID: String
    /// The batch sequence acknowledged; for a Hello, the highest committed sequence (0 when none).
    public var sequence: UInt64
    /// Outcome.
    public var status: Status
    /// Hello replies only: the highest sequence committed for this agent, explicitly (nil from
    /// aggregators that predate the field; ``sequence`` carries the same number there).
    public var lastCommittedSequence: UInt64?

    /// Creates an acknowledgement.
    public init(agentID: String, sequence: UInt64, status: Status, lastCommittedSequence: UInt64? = nil) {
        self.lastCommittedSequence = lastCommittedSequence
        self.agentID = agentID
        self.sequence = sequence
        self.status = status
    }
}

public import Storage

/// Receives what the ingest path committed, e.g. the ``DetectionService``.
///
/// Called from the agent's connection task, after the store committed and before the Ack is sent, so
/// implementations must return at once (hand the value to a queue; never wait for I/O). Per agent the calls
/// come in commit order: one session per agent sends one batch at a time.
public protocol IngestObserver: Sendable {
    /// An agent authenticated; `registration` was stored in the registry.
    func agentRegistered(_ registration: AgentRegistration)
    /// A batch was committed (never called for duplicates, which the store did not apply).
    func batchStored(_ batch: IngestBatch)
}

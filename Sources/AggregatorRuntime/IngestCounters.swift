import Synchronization

/// Counters of an ``IngestServer``, readable from any thread while it runs.
///
/// `@unchecked Sendable` is not needed: every field is an `Atomic`.
public final class IngestCounters: Sendable {
    let connectionsAccepted = Atomic<UInt64>(0)
    let sessionsAuthenticated = Atomic<UInt64>(0)
    let authenticationFailures = Atomic<UInt64>(0)
    let protocolErrors = Atomic<UInt64>(0)
    let batchesStored = Atomic<UInt64>(0)
    let duplicateBatches = Atomic<UInt64>(0)
    let recordsStored = Atomic<UInt64>(0)
    let storeFailures = Atomic<UInt64>(0)
    let tlsFailures = Atomic<UInt64>(0)
    let groupCommits = Atomic<UInt64>(0)
    let backpressureWaits = Atomic<UInt64>(0)

    /// Creates zeroed counters.
    public init() {}

    /// A consistent-enough copy of every counter.
    public var snapshot: Snapshot {
        Snapshot(
            connectionsAccepted: connectionsAccepted.load(ordering: .relaxed),
            sessionsAuthenticated: sessionsAuthenticated.load(ordering: .relaxed),
            authenticationFailures: authenticationFailures.load(ordering: .relaxed),
            protocolErrors: protocolErrors.load(ordering: .relaxed),
            batchesStored: batchesStored.load(ordering: .relaxed),
            duplicateBatches: duplicateBatches.load(ordering: .relaxed),
            recordsStored: recordsStored.load(ordering: .relaxed),
            storeFailures: storeFailures.load(ordering: .relaxed),
            tlsFailures: tlsFailures.load(ordering: .relaxed),
            groupCommits: groupCommits.load(ordering: .relaxed),
            backpressureWaits: backpressureWaits.load(ordering: .relaxed)
        )
    }

    /// Plain values of the counters.
    public struct Snapshot: Sendable, Hashable {
        /// TCP connections accepted.
        public var connectionsAccepted: UInt64
        /// Hellos accepted.
        public var sessionsAuthenticated: UInt64
        /// Hellos rejected (unknown agent, wrong token, unsupported version).
        public var authenticationFailures: UInt64
        /// Connections closed for undecodable or out-of-limit input, or an unexpected message.
        public var protocolErrors: UInt64
        /// Batches committed.
        public var batchesStored: UInt64
        /// Batches acknowledged as already committed.
        public var duplicateBatches: UInt64
        /// Records committed.
        public var recordsStored: UInt64
        /// Batches the store failed to commit (the agent resends them).
        public var storeFailures: UInt64
        /// Connections that failed the TLS handshake (wrong protocol, untrusted client setup) or a TLS record.
        public var tlsFailures: UInt64
        /// Store transactions the ingest writer committed (each holds one or more batches).
        public var groupCommits: UInt64
        /// Times a session waited for room in the full writer queue (backpressure).
        public var backpressureWaits: UInt64
    }
}

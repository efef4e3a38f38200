import Synchronization
import FleetModel
public import FleetWire
public import Logging
public import Storage
import Foundation

/// One agent connection's protocol state: waits for a Hello, authenticates it, then commits each
/// Batch and answers with an Ack only after the commit.
///
/// Owned by the connection's task (not shared). Every reply goes out before the next message is
/// read, which is the backpressure: an agent cannot outrun the store (with an ``IngestWriter``, a
/// session also waits for room in the writer's bounded queue before its batch is queued).
public struct IngestSession {
    /// What to do after a message.
    public struct Outcome: Sendable, Hashable {
        /// Message to send the agent, if any.
        public var reply: WireMessage?
        /// Close the connection after sending `reply`.
        public var close: Bool
    }

    private let store: any FlowStore
    private let writer: IngestWriter?
    private let authenticator: AgentAuthenticator
    private let counters: IngestCounters
    private let observer: (any IngestObserver)?
    private var logger: Logger
    /// The authenticated agent, nil before a valid Hello.
    public private(set) var agentID: String?

    /// A session awaiting its Hello.
    /// - Parameters:
    ///   - writer: the group-commit writer batches go through; nil commits each batch with
    ///     its own ``FlowStore/ingest(_:)`` call.
    ///   - observer: told about every registration and committed batch (detection).
    public init(
        store: any FlowStore, writer: IngestWriter? = nil, authenticator: AgentAuthenticator, counters: IngestCounters,
        observer: (any IngestObserver)? = nil, logger: Logger
    ) {
        self.store = store
        self.writer = writer
        self.observer = observer
        self.authenticator = authenticator
        self.counters = counters
        self.logger = logger
    }

    /// Handles one decoded message.
    public mutating func handle(_ message: WireMessage) async -> Outcome {
        switch message {
        case .hello(let hello):
            return await handleHello(hello)
        case .batch(let batch):
            return await handleBatch(batch)
        case .ack:
            return reject(.unexpectedMessage, "agents do not send acks")
        case .error(let error):
            logger.warning("agent reported an error; closing connection", metadata: [
                "agent.id": "\(agentID ?? "-")", "error.code": "\(error.code.rawValue)", "error": "\(error.message)",
            ])
            return Outcome(reply: nil, close: true)
        }
    }

    private mutating func handleHello(_ hello: WireHello) async -> Outcome {
        guard agentID == nil else { return reject(.unexpectedMessage, "second hello on one session") }
        guard hello.protocolVersion == WireHello.currentProtocolVersion else {
            counters.authenticationFailures.add(1, ordering: .relaxed)
            logger.warning("rejected agent: unsupported protocol version", metadata: [
                "agent.id": "\(hello.agentID)", "agent.protocol": "\(hello.protocolVersion)",
            ])
            return Outcome(
                reply: .error(WireError(
                    code: .unsupportedVersion,
                    message: "protocol version \(hello.protocolVersion) not supported; this aggregator speaks \(WireHello.currentProtocolVersion)")),
                close: true)
        }
        guard authenticator.authenticates(agentID: hello.agentID, token: hello.token) else {
            counters.authenticationFailures.add(1, ordering: .relaxed)
            logger.warning("rejected agent: unknown agent id or wrong token", metadata: ["agent.id": "\(hello.agentID)"])
            return Outcome(
                reply: .error(WireError(code: .unauthenticated, message: "unknown agent id or wrong token for \(hello.agentID)")),
                close: true)
        }
        let agent = AgentID(hello.agentID)
        do {
            let registration = AgentRegistration(
                id: agent, hostname: hello.hostname, addresses: hello.interfaceAddresses,
                vpcCIDRs: hello.vpcCIDRs.compactMap { IPNetwork(address: $0.address, prefixLength: Int($0.prefixLength)) },
                version: hello.agentVersion, seenAt: Self.now())
            try await store.upsertAgent(registration)
            observer?.agentRegistered(registration)
            let last = try await store.lastCommittedSequence(for: agent)
            agentID = hello.agentID
            logger[metadataKey: "agent.id"] = "\(hello.agentID)"
            counters.sessionsAuthenticated.add(1, ordering: .relaxed)
            logger.info("agent connected", metadata: ["agent.last_sequence": "\(last)", "agent.host": "\(hello.hostname)"])
            if hello.nextSequence > 0 && hello.nextSequence <= last {
                logger.warning("agent restarted without its spool; it continues after the last committed sequence",
                    metadata: ["agent.last_sequence": "\(last)", "agent.next_sequence": "\(hello.nextSequence)"])
            }
            return Outcome(
                reply: .ack(WireAck(agentID: hello.agentID, sequence: last, status: .ok, lastCommittedSequence: last)),
                close: false)
        } catch {
            counters.storeFailures.add(1, ordering: .relaxed)
            logger.error("store failed during hello", metadata: ["agent.id": "\(hello.agentID)", "error": "\(error)"])
            return Outcome(reply: .error(WireError(code: .internal, message: "store unavailable")), close: true)
        }
    }

    private mutating func handleBatch(_ batch: WireBatch) async -> Outcome {
        guard let agentID else { return reject(.unexpectedMessage, "batch before hello") }
        guard batch.agentID == agentID else {
            return reject(.unauthenticated, "batch for agent \(batch.agentID) on the session of \(agentID)")
        }
        let ingest = IngestBatch(
            agent: AgentID(agentID), sequence: batch.sequence, receivedAt: Self.now(), records: batch.records,
            stats: AgentStats(packets: batch.stats.packetsSeenDelta, drops: batch.stats.dropsDelta))
        do {
            let result: IngestResult
            if let writer { result = try await writer.submit(ingest).get() } else { result = try await store.ingest(ingest) }
            switch result {
            case .stored(let count, let gap):
                counters.batchesStored.add(1, ordering: .relaxed)
                counters.recordsStored.add(UInt64(count), ordering: .relaxed)
                observer?.batchStored(ingest)
                if let gap {
                    logger.warning("sequence gap: batches never arrived", metadata: [
                        "batch.first_missing": "\(gap.firstMissing)", "batch.last_missing": "\(gap.lastMissing)",
                        "batch.sequence": "\(batch.sequence)",
                    ])
                }
                return Outcome(reply: .ack(WireAck(agentID: agentID, sequence: batch.sequence, status: .ok)), close: false)
            case .duplicate(let lastCommitted):
                counters.duplicateBatches.add(1, ordering: .relaxed)
                logger.debug("duplicate batch acknowledged", metadata: [
                    "batch.sequence": "\(batch.sequence)", "agent.last_sequence": "\(lastCommitted)",
                ])
                return Outcome(
                    reply: .ack(WireAck(agentID: agentID, sequence: batch.sequence, status: .duplicate)), close: false)
            }
        } catch let error as StorageError where error == .invalidSequence {
            return reject(.malformed, "invalid batch sequence \(batch.sequence)")
        } catch {
            counters.storeFailures.add(1, ordering: .relaxed)
            logger.error("store failed to commit a batch; closing so the agent resends", metadata: [
                "batch.sequence": "\(batch.sequence)", "error": "\(error)",
            ])
            return Outcome(reply: .error(WireError(code: .internal, message: "store failed; resend later")), close: true)
        }
    }

    private func reject(_ code: WireError.Code, _ message: String) -> Outcome {
        counters.protocolErrors.add(1, ordering: .relaxed)
        logger.warning("protocol error; closing connection", metadata: ["agent.id": "\(agentID ?? "-")", "error": "\(message)"])
        return Outcome(reply: .error(WireError(code: code, message: message)), close: true)
    }

    /// Wall-clock time (the registry's first/last seen).
    static func now() -> NetworkTime {
        NetworkTime(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}

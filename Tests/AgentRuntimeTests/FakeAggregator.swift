import FleetModel
import FleetWire
import NIOCore
import NIOPosix
import Synchronization

/// A scripted aggregator on 127.0.0.1 for shipper tests, speaking FleetWire in plain TCP.
///
/// It answers a hello with the ``Store``'s high-water mark for the agent, commits each batch the
/// way the real store does (once per agent and sequence: a sequence at or below the last one
/// committed is a duplicate, acknowledged but not stored again) and acknowledges it, optionally
/// after a delay (a slow store). With `acknowledging: n` a session freezes after its first `n`
/// batches, like an aggregator stopped with SIGSTOP: it stops reading, storing and answering, with
/// its connection left open. Several fakes may share one ``Store`` (aggregators on one database).
/// Thread-safe.
final class FakeAggregator: Sendable {
    /// The committed batches, per agent (shared by the fakes in front of it).
    final class Store: Sendable {
        struct Contents: Sendable {
            /// Highest sequence committed per agent.
            var lastSequence: [String: UInt64] = [:]
            /// Records of every committed batch, in commit order.
            var records: [RecordBatch] = []
            /// Batches committed.
            var stored = 0
            /// Batches received again at or below the agent's last sequence (acknowledged, not stored).
            var duplicates = 0
        }

        private let contents = Mutex(Contents())

        /// A snapshot.
        var snapshot: Contents { contents.withLock { $0 } }

        /// Names of every weird record stored, in commit order (the test batches carry one each).
        var weirdNames: [String] { contents.withLock { $0.records.flatMap { $0.weirds.map(\.name) } } }

        func lastSequence(of agent: String) -> UInt64 { contents.withLock { $0.lastSequence[agent] ?? 0 } }

        /// Commits `batch` unless its sequence is already taken; returns the ack status.
        func commit(_ batch: WireBatch) -> WireAck.Status {
            contents.withLock { contents in
                guard batch.sequence > contents.lastSequence[batch.agentID] ?? 0 else {
                    contents.duplicates += 1
                    return .duplicate
                }
                contents.lastSequence[batch.agentID] = batch.sequence
                contents.records.append(batch.records)
                contents.stored += 1
                return .ok
            }
        }
    }

    /// What one fake saw.
    struct Counters: Sendable {
        /// Sessions whose hello was answered.
        var sessions = 0
        /// Batches this fake committed (or found duplicate) and acknowledged.
        var acknowledged = 0
        /// Batches this fake committed without acknowledging them (frozen after the commit).
        var committedUnacknowledged = 0
        /// Sessions that froze.
        var frozen = 0
    }

    /// How a session behaves.
    struct Script: Sendable {
        /// Batches a session acknowledges before it freezes; nil: never freezes.
        var acknowledging: Int?
        /// Batches it still commits, without acknowledging them, when it freezes (the process
        /// stopped between the commit and the ack).
        var committingSilently = 0
        /// Delay before each acknowledgement (acks stay in order, one per delay: a slow store).
        var ackDelay: Duration = .zero
    }

    /// The listening port.
    let port: Int
    /// The store behind this fake.
    let store: Store
    private let listener: any Channel
    private let state: Mutex<(counters: Counters, channels: [any Channel])>

    /// What this fake saw so far.
    var counters: Counters { state.withLock { $0.counters } }

    private init(port: Int, store: Store, listener: any Channel) {
        self.port = port
        self.store = store
        self.listener = listener
        state = Mutex((Counters(), []))
    }

    /// Starts a fake on an ephemeral port of 127.0.0.1.
    static func start(
        store: Store = Store(), acknowledging: Int? = nil, committingSilently: Int = 0, ackDelay: Duration = .zero
    ) async throws -> FakeAggregator {
        let script = Script(acknowledging: acknowledging, committingSilently: committingSilently, ackDelay: ackDelay)
        let box = Box()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    box.fake.withLock { $0 }?.accepted(child)
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(WireMessageDecoder()))
                    try child.pipeline.syncOperations.addHandler(MessageToByteHandler(WireMessageEncoder()))
                    try child.pipeline.syncOperations.addHandler(Session(script: script, store: store, box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let fake = FakeAggregator(port: listener.localAddress?.port ?? 0, store: store, listener: listener)
        box.fake.withLock { $0 = fake }
        return fake
    }

    /// Stops listening and closes every accepted connection.
    func close() {
        listener.close(promise: nil)
        for channel in state.withLock({ $0.channels }) { channel.close(promise: nil) }
    }

    private func accepted(_ channel: any Channel) { state.withLock { $0.channels.append(channel) } }

    fileprivate func count(_ update: (inout Counters) -> Void) { state.withLock { update(&$0.counters) } }

    /// Lets the child initializer (set up before the fake exists) reach it.
    fileprivate final class Box: Sendable {
        let fake = Mutex<FakeAggregator?>(nil)
        func count(_ update: (inout Counters) -> Void) { fake.withLock { $0 }?.count(update) }
    }

    /// One connection's protocol, on its event loop.
    private final class Session: ChannelInboundHandler {
        typealias InboundIn = WireMessage
        typealias OutboundOut = WireMessage

        let script: Script
        let store: Store
        let box: Box
        var acknowledged = 0
        var committedSilently = 0
        var frozen = false
        /// When the last (delayed) acknowledgement goes out.
        var lastAck = NIODeadline.now()

        init(script: Script, store: Store, box: Box) {
            self.script = script
            self.store = store
            self.box = box
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !frozen else { return }
            switch unwrapInboundIn(data) {
            case .hello(let hello):
                let last = store.lastSequence(of: hello.agentID)
                box.count { $0.sessions += 1 }
                context.writeAndFlush(
                    wrapOutboundOut(.ack(WireAck(agentID: hello.agentID, sequence: last, status: .ok, lastCommittedSequence: last))),
                    promise: nil)
            case .batch(let batch):
                if let limit = script.acknowledging, acknowledged >= limit {
                    _ = store.commit(batch)
                    committedSilently += 1
                    box.count { $0.committedUnacknowledged += 1 }
                } else {
                    let status = store.commit(batch)
                    acknowledged += 1
                    box.count { $0.acknowledged += 1 }
                    acknowledge(WireAck(agentID: batch.agentID, sequence: batch.sequence, status: status), context: context)
                }
            case .ack, .error:
                context.close(promise: nil)
                return
            }
            freezeIfScripted(context: context)
        }

        /// Once the script's acknowledgements and silent commits are done: stops reading and
        /// answering, with the connection left open.
        private func freezeIfScripted(context: ChannelHandlerContext) {
            guard let limit = script.acknowledging, acknowledged >= limit,
                  committedSilently >= script.committingSilently else { return }
            frozen = true
            box.count { $0.frozen += 1 }
            try? context.channel.syncOptions?.setOption(.autoRead, value: false)
        }

        private func acknowledge(_ ack: WireAck, context: ChannelHandlerContext) {
            guard script.ackDelay > .zero else {
                context.writeAndFlush(wrapOutboundOut(.ack(ack)), promise: nil)
                return
            }
            let (seconds, attoseconds) = script.ackDelay.components
            lastAck = max(lastAck, .now()) + .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            let message = wrapOutboundOut(.ack(ack))
            _ = context.eventLoop.assumeIsolated().scheduleTask(deadline: lastAck) {
                context.writeAndFlush(message, promise: nil)
            }
        }
    }
}

import CPcap
import FleetModel
import Foundation
import Synchronization

/// What the capture thread does when the consumer has no room for another batch.
enum OverflowMode: Sendable {
    /// Live traffic does not wait: drop the batch and count it.
    case dropAndCount
    /// A file can wait: block until the consumer catches up.
    case wait
}

/// Runs the blocking `pcap_dispatch` loop on a dedicated thread and yields owned batches.
enum CaptureThread {
    /// Starts the thread and returns the stream it feeds.
    ///
    /// - Parameters:
    ///   - handle: an activated (or offline) handle; from now on only the thread uses it, except
    ///     `pcap_breakloop`.
    ///   - isOffline: a savefile: `pcap_dispatch` returning 0 means end of file.
    static func start(
        name: String, handle: PcapHandle, linkType: Int32, limits: PacketBatchLimits, overflow: OverflowMode,
        isOffline: Bool, counters: CaptureCounters
    ) -> PacketBatchStream {
        let (stream, continuation) = AsyncThrowingStream<PacketBatch, any Error>.makeStream(
            bufferingPolicy: .unbounded
        )
        let gate = CreditGate(credits: limits.bufferedBatches)
        continuation.onTermination = { _ in
            counters.stopRequested.store(true, ordering: .relaxed)
            gate.cancel()
            handle.breakLoop()
        }
        let sink = BatchSink(
            linkType: linkType, limits: limits, overflow: overflow, gate: gate, continuation: continuation,
            counters: counters
        )
        let thread = Thread {
            run(handle: handle, sink: sink, isOffline: isOffline, counters: counters)
        }
        thread.name = name
        thread.start()
        return PacketBatchStream(base: stream, gate: gate)
    }

    private static func run(handle: PcapHandle, sink: BatchSink, isOffline: Bool, counters: CaptureCounters) {
        let user = Unmanaged.passUnretained(sink).toOpaque().assumingMemoryBound(to: UInt8.self)
        var dispatches = 0
        var failure: CaptureError?
        loop: while !counters.stopRequested.load(ordering: .relaxed) && !sink.stopped {
            let status = pcap_dispatch(handle.pointer, Int32(clamping: sink.limits.maxPackets), { user, header, data in
                guard let user, let header, let data else { return }
                let sink = Unmanaged<BatchSink>.fromOpaque(UnsafeRawPointer(user)).takeUnretainedValue()
                sink.append(header: header.pointee, data: data)
            }, user)
            if status > 0 {
                sink.flush()
                dispatches += 1
                if dispatches % 64 == 0 { refreshStatistics(handle: handle, counters: counters) }
            } else if status == 0 {
                sink.flush()
                if isOffline { break loop }
                sink.heartbeat()
                refreshStatistics(handle: handle, counters: counters)
            } else if status == PCAP_ERROR_BREAK {
                break loop
            } else {
                failure = .readFailed(handle.lastError)
                break loop
            }
        }
        sink.flush()
        if !isOffline { refreshStatistics(handle: handle, counters: counters) }
        if let failure {
            sink.continuation.finish(throwing: failure)
        } else {
            sink.continuation.finish()
        }
    }

    private static func refreshStatistics(handle: PcapHandle, counters: CaptureCounters) {
        guard let stat = handle.statistics() else { return }
        counters.received.store(UInt64(stat.ps_recv), ordering: .relaxed)
        counters.kernelDropped.store(UInt64(stat.ps_drop), ordering: .relaxed)
        counters.interfaceDropped.store(UInt64(stat.ps_ifdrop), ordering: .relaxed)
    }
}

/// Fills batches inside the `pcap_dispatch` callback.
///
/// `@unchecked Sendable`: created by `start` and handed to the capture thread, which is its only
/// user from then on (its mutable state is never touched elsewhere).
private final class BatchSink: @unchecked Sendable {
    let linkType: Int32
    let limits: PacketBatchLimits
    let overflow: OverflowMode
    let gate: CreditGate
    let continuation: AsyncThrowingStream<PacketBatch, any Error>.Continuation
    let counters: CaptureCounters
    private var batch: PacketBatch
    /// The consumer went away (the gate was cancelled while waiting).
    private(set) var stopped = false

    init(
        linkType: Int32, limits: PacketBatchLimits, overflow: OverflowMode, gate: CreditGate,
        continuation: AsyncThrowingStream<PacketBatch, any Error>.Continuation, counters: CaptureCounters
    ) {
        self.linkType = linkType
        self.limits = limits
        self.overflow = overflow
        self.gate = gate
        self.continuation = continuation
        self.counters = counters
        batch = Self.emptyBatch(linkType: linkType, limits: limits)
    }

    private static func emptyBatch(linkType: Int32, limits: PacketBatchLimits) -> PacketBatch {
        PacketBatch(
            linkType: linkType, reservingBytes: min(limits.maxBytes, 1 << 22),
            reservingPackets: min(limits.maxPackets, 1 << 16)
        )
    }

    func append(header: pcap_pkthdr, data: UnsafePointer<UInt8>) {
        let captured = Int(header.caplen)
        if !batch.isEmpty && batch.byteCount + captured > limits.maxBytes { flush() }
        let timestamp = NetworkTime(seconds: Int64(header.ts.tv_sec), microseconds: Int64(header.ts.tv_usec))
        batch.append(
            frame: UnsafeRawBufferPointer(start: data, count: captured), timestamp: timestamp,
            wireLength: Int(header.len)
        )
        if batch.count >= limits.maxPackets || batch.byteCount >= limits.maxBytes { flush() }
    }

    /// A read timed out with nothing captured: yield an empty batch (when the consumer has room)
    /// so it can run time-based work without a timer of its own.
    func heartbeat() {
        guard batch.isEmpty, gate.tryAcquire() else { return }
        var heartbeat = PacketBatch(linkType: linkType)
        var now = timeval()
        gettimeofday(&now, nil)
        heartbeat.heartbeatTime = NetworkTime(seconds: Int64(now.tv_sec), microseconds: Int64(now.tv_usec))
        continuation.yield(heartbeat)
    }

    /// Hands the current batch on (or drops it when the consumer has no room and this is live).
    func flush() {
        guard !batch.isEmpty else { return }
        let full = batch
        batch = Self.emptyBatch(linkType: linkType, limits: limits)
        let admitted: Bool
        switch overflow {
        case .dropAndCount:
            admitted = gate.tryAcquire()
        case .wait:
            admitted = gate.acquire()
            if !admitted { stopped = true }
        }
        guard admitted else {
            counters.droppedBatches.add(1, ordering: .relaxed)
            counters.droppedPackets.add(UInt64(full.count), ordering: .relaxed)
            return
        }
        counters.deliveredBatches.add(1, ordering: .relaxed)
        counters.deliveredPackets.add(UInt64(full.count), ordering: .relaxed)
        continuation.yield(full)
    }
}

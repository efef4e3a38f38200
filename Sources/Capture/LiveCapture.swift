import CPcap
import Synchronization

/// Options for a live capture; the defaults suit an agent (immediate delivery, 8 MiB kernel buffer).
public struct LiveCaptureConfiguration: Sendable, Hashable {
    /// Interface name, e.g. `eth0`.
    public var interface: String
    /// Bytes kept per packet.
    public var snapshotLength: Int32 = 262_144
    /// Put the interface into promiscuous mode.
    public var promiscuous = false
    /// Deliver packets as soon as they arrive instead of when the kernel buffer block fills.
    public var immediateMode = true
    /// Read timeout: how long a read may block before the loop checks for a stop request and
    /// refreshes statistics.
    public var timeoutMilliseconds: Int32 = 100
    /// Kernel capture buffer size in bytes.
    public var bufferSize: Int32 = 8 << 20
    /// BPF filter expression (tcpdump syntax); nil captures everything.
    public var filter: String?
    /// How packets are cut into batches for the consumer.
    public var batching = PacketBatchLimits()

    public init(interface: String) {
        self.interface = interface
    }
}

/// A live libpcap capture whose read loop runs on its own thread and feeds a `PacketBatchStream`.
///
/// Threading: the `pcap_t` is configured in `init` and from `packetBatches()` on it belongs to the
/// capture thread. `stop()` and `statistics` are safe from any thread (`pcap_breakloop` and
/// atomics). Needs root or `CAP_NET_RAW`.
public final class LiveCapture: Sendable {
    private let handle: PcapHandle
    private let counters = CaptureCounters()
    private let started = Atomic<Bool>(false)
    /// The configuration the capture was opened with.
    public let configuration: LiveCaptureConfiguration
    /// The interface's link-layer type (`DLT_*`).
    public let linkType: Int32
    /// libpcap's warning from `pcap_activate` (e.g. promiscuous mode not supported), if any.
    public let activationWarning: String?

    /// Opens and activates the interface, then installs the filter.
    ///
    /// - Throws: `CaptureError.cannotOpen` when the handle cannot be created or configured,
    ///   `.activateFailed` with libpcap's message (no such device, permission denied, …),
    ///   `.badFilter` with libpcap's message when the filter does not compile or install.
    public init(configuration: LiveCaptureConfiguration) throws(CaptureError) {
        self.configuration = configuration
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let pointer = pcap_create(configuration.interface, &errorBuffer) else {
            throw .cannotOpen("\(configuration.interface): \(PcapFileReader.string(errorBuffer))")
        }
        let handle = PcapHandle(pointer)
        self.handle = handle
        let settings: [(String, Int32)] = [
            ("snaplen", pcap_set_snaplen(pointer, configuration.snapshotLength)),
            ("promisc", pcap_set_promisc(pointer, configuration.promiscuous ? 1 : 0)),
            ("immediate mode", pcap_set_immediate_mode(pointer, configuration.immediateMode ? 1 : 0)),
            ("timeout", pcap_set_timeout(pointer, configuration.timeoutMilliseconds)),
            ("buffer size", pcap_set_buffer_size(pointer, configuration.bufferSize)),
        ]
        for (name, status) in settings where status != 0 {
            throw .cannotOpen("\(configuration.interface): cannot set \(name): \(Self.statusText(status))")
        }
        let status = pcap_activate(pointer)
        if status < 0 {
            let detail = status == PCAP_ERROR ? handle.lastError : Self.statusText(status)
            let extra = (status == PCAP_ERROR_NO_SUCH_DEVICE || status == PCAP_ERROR_PERM_DENIED)
                ? " (\(handle.lastError))" : ""
            throw .activateFailed("\(configuration.interface): \(detail)\(extra)")
        }
        activationWarning = status > 0 ? "\(Self.statusText(status)): \(handle.lastError)" : nil
        linkType = pcap_datalink(pointer)
        if let filter = configuration.filter {
            try Self.install(filter: filter, on: handle)
        }
    }

    deinit {
        counters.stopRequested.store(true, ordering: .relaxed)
        handle.breakLoop()
    }

    /// Starts the capture thread and returns its batches. Call once.
    ///
    /// When the consumer falls more than `batching.bufferedBatches` behind, new batches are
    /// dropped and counted (`consumerDroppedBatches`) rather than blocking the kernel reader.
    /// When a read times out with nothing captured, the stream yields an empty batch, so the
    /// consumer can do time-based work (flushing records by age) without a timer.
    /// A second call returns a stream that throws `CaptureError.invalidState`.
    public func packetBatches() -> PacketBatchStream {
        guard started.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            let (stream, continuation) = AsyncThrowingStream<PacketBatch, any Error>.makeStream()
            continuation.finish(throwing: CaptureError.invalidState("capture on \(configuration.interface) already started"))
            return PacketBatchStream(base: stream, gate: CreditGate(credits: 1))
        }
        return CaptureThread.start(
            name: "fleetwatch.capture.\(configuration.interface)", handle: handle, linkType: linkType,
            limits: configuration.batching, overflow: .dropAndCount, isOffline: false, counters: counters
        )
    }

    /// Stops the capture: the blocked read returns, the pending batch is delivered and the stream
    /// ends. Safe from any thread, idempotent.
    public func stop() {
        counters.stopRequested.store(true, ordering: .relaxed)
        handle.breakLoop()
    }

    /// The latest counters. libpcap's part is refreshed by the capture thread on read timeouts,
    /// every 64 reads and when it stops.
    public var statistics: CaptureStatistics { counters.snapshot }

    private static func install(filter: String, on handle: PcapHandle) throws(CaptureError) {
        var program = bpf_program()
        guard pcap_compile(handle.pointer, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw .badFilter("\(filter): \(handle.lastError)")
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle.pointer, &program) == 0 else {
            throw .badFilter("\(filter): \(handle.lastError)")
        }
    }

    static func statusText(_ status: Int32) -> String {
        guard let text = pcap_statustostr(status) else { return "status \(status)" }
        return String(cString: text)
    }
}

public import CoreMetrics
public import FleetModel
import Synchronization

/// The agent's health as Prometheus-style metrics, recorded through swift-metrics handles made by
/// an injected factory (``AgentMetricsRegistry`` wires one to the `/metrics` endpoint).
///
/// Sources report running totals (pcap stats, pipeline counters, ledger counters); this type
/// turns them into counter increments, so a source never needs to remember what it reported.
/// Thread-safe: the capture task and the shipper report concurrently.
///
/// Metric names:
/// - counters: `fleet_agent_packets_total`, `fleet_agent_kernel_drops_total`,
///   `fleet_agent_interface_drops_total`, `fleet_agent_flows_evicted_total`,
///   `fleet_agent_records_total{kind=conn|dns|http|ssl|weird}`, `fleet_agent_batches_sent_total`,
///   `fleet_agent_batches_acked_total`, `fleet_agent_batches_spooled_total`,
///   `fleet_agent_batches_dropped_total` (lost from a full or damaged spool),
///   `fleet_agent_batches_renumbered_total`, `fleet_agent_connections_total`,
///   `fleet_agent_reconnects_total`, `fleet_agent_failovers_total` (sessions established on another
///   aggregator than the previous one), `fleet_agent_ack_timeouts_total` (sessions closed because
///   batches waited the ack timeout without an acknowledgement);
/// - gauges: `fleet_agent_flows_active`, `fleet_agent_spool_bytes`, `fleet_agent_spool_batches`,
///   `fleet_agent_aggregator_connected{aggregator="HOST:PORT"}` (1 for the aggregator of the open
///   session, 0 for the others; a series appears with the first session on that aggregator).
public final class AgentMetrics: Sendable {
    /// Running totals of the capture side, as the producer sees them.
    public struct CaptureTotals: Sendable, Hashable {
        /// Packets processed.
        public var packets: UInt64 = 0
        /// pcap `ps_drop`.
        public var kernelDrops: UInt64 = 0
        /// pcap `ps_ifdrop`.
        public var interfaceDrops: UInt64 = 0
        /// Flows evicted early (table full).
        public var flowsEvicted: UInt64 = 0
        /// Flows in the table now (a gauge).
        public var flowsActive: UInt64 = 0
        /// Creates totals (zero by default).
        public init(
            packets: UInt64 = 0, kernelDrops: UInt64 = 0, interfaceDrops: UInt64 = 0, flowsEvicted: UInt64 = 0,
            flowsActive: UInt64 = 0
        ) {
            self.packets = packets
            self.kernelDrops = kernelDrops
            self.interfaceDrops = interfaceDrops
            self.flowsEvicted = flowsEvicted
            self.flowsActive = flowsActive
        }
    }

    /// Running totals of the delivery side, as the shipper sees them.
    public struct DeliveryTotals: Sendable, Hashable {
        public var sent: UInt64 = 0
        public var acknowledged: UInt64 = 0
        public var spooled: UInt64 = 0
        public var dropped: UInt64 = 0
        public var renumbered: UInt64 = 0
        public var connections: UInt64 = 0
        public var reconnects: UInt64 = 0
        /// Sessions established on another aggregator than the previous session's.
        public var failovers: UInt64 = 0
        /// Sessions closed by the acknowledgement deadline.
        public var ackTimeouts: UInt64 = 0
        /// The aggregator (`HOST:PORT`) of the open session; nil while disconnected.
        public var aggregator: String?
        /// Bytes in the spool now (a gauge).
        public var spoolBytes: UInt64 = 0
        /// Batches in the spool now (a gauge).
        public var spoolBatches: UInt64 = 0
        public init() {}
    }

    /// Record kinds of `fleet_agent_records_total`.
    public enum RecordKind: String, Sendable, CaseIterable {
        case conn, dns, http, ssl, weird
    }

    private let packets: Counter
    private let kernelDrops: Counter
    private let interfaceDrops: Counter
    private let flowsEvicted: Counter
    private let flowsActive: Gauge
    private let records: [Counter]
    private let sent: Counter
    private let acknowledged: Counter
    private let spooled: Counter
    private let dropped: Counter
    private let renumbered: Counter
    private let connections: Counter
    private let reconnects: Counter
    private let failovers: Counter
    private let ackTimeouts: Counter
    private let factory: any MetricsFactory
    /// `fleet_agent_aggregator_connected` per aggregator, created when first reported.
    private let aggregators: Mutex<[String: Gauge]>
    private let spoolBytes: Gauge
    private let spoolBatches: Gauge
    private let last: Mutex<(capture: CaptureTotals, delivery: DeliveryTotals)>

    /// Creates the metrics on `factory` (each name once per factory).
    public init(factory: any MetricsFactory) {
        func counter(_ name: String, _ dimensions: [(String, String)] = []) -> Counter {
            Counter(label: "fleet_agent_" + name, dimensions: dimensions, factory: factory)
        }
        func gauge(_ name: String) -> Gauge { Gauge(label: "fleet_agent_" + name, factory: factory) }
        packets = counter("packets_total")
        kernelDrops = counter("kernel_drops_total")
        interfaceDrops = counter("interface_drops_total")
        flowsEvicted = counter("flows_evicted_total")
        flowsActive = gauge("flows_active")
        records = RecordKind.allCases.map { counter("records_total", [("kind", $0.rawValue)]) }
        sent = counter("batches_sent_total")
        acknowledged = counter("batches_acked_total")
        spooled = counter("batches_spooled_total")
        dropped = counter("batches_dropped_total")
        renumbered = counter("batches_renumbered_total")
        connections = counter("connections_total")
        reconnects = counter("reconnects_total")
        failovers = counter("failovers_total")
        ackTimeouts = counter("ack_timeouts_total")
        self.factory = factory
        aggregators = Mutex([:])
        spoolBytes = gauge("spool_bytes")
        spoolBatches = gauge("spool_batches")
        last = Mutex((CaptureTotals(), DeliveryTotals()))
        // Publish every series at zero so a scrape sees them before the first packet.
        for handle in [packets, kernelDrops, interfaceDrops, flowsEvicted, sent, acknowledged, spooled, dropped,
                       renumbered, connections, reconnects, failovers, ackTimeouts] + records {
            handle.increment(by: 0)
        }
        for handle in [flowsActive, spoolBytes, spoolBatches] { handle.record(0) }
    }

    /// Reports the capture side's running totals.
    public func capture(_ totals: CaptureTotals) {
        let before = last.withLock { state in
            let before = state.capture
            state.capture = totals
            return before
        }
        Self.advance(packets, from: before.packets, to: totals.packets)
        Self.advance(kernelDrops, from: before.kernelDrops, to: totals.kernelDrops)
        Self.advance(interfaceDrops, from: before.interfaceDrops, to: totals.interfaceDrops)
        Self.advance(flowsEvicted, from: before.flowsEvicted, to: totals.flowsEvicted)
        flowsActive.record(Int64(clamping: totals.flowsActive))
    }

    /// Counts records produced.
    public func produced(_ kind: RecordKind, count: Int) {
        guard count > 0, let index = RecordKind.allCases.firstIndex(of: kind) else { return }
        records[index].increment(by: Int64(count))
    }

    /// Counts the records of one flushed batch by kind.
    public func produced(_ batch: RecordBatch) {
        produced(.conn, count: batch.conns.count)
        produced(.dns, count: batch.dns.count)
        produced(.http, count: batch.http.count)
        produced(.ssl, count: batch.ssl.count)
        produced(.weird, count: batch.weirds.count)
    }

    /// Reports the delivery side's running totals.
    public func delivery(_ totals: DeliveryTotals) {
        let before = last.withLock { state in
            let before = state.delivery
            state.delivery = totals
            return before
        }
        Self.advance(sent, from: before.sent, to: totals.sent)
        Self.advance(acknowledged, from: before.acknowledged, to: totals.acknowledged)
        Self.advance(spooled, from: before.spooled, to: totals.spooled)
        Self.advance(dropped, from: before.dropped, to: totals.dropped)
        Self.advance(renumbered, from: before.renumbered, to: totals.renumbered)
        Self.advance(connections, from: before.connections, to: totals.connections)
        Self.advance(reconnects, from: before.reconnects, to: totals.reconnects)
        Self.advance(failovers, from: before.failovers, to: totals.failovers)
        Self.advance(ackTimeouts, from: before.ackTimeouts, to: totals.ackTimeouts)
        if totals.aggregator != before.aggregator { connected(to: totals.aggregator) }
        spoolBytes.record(Int64(clamping: totals.spoolBytes))
        spoolBatches.record(Int64(clamping: totals.spoolBatches))
    }

    /// Sets `fleet_agent_aggregator_connected` to 1 for `aggregator` and 0 for every other one.
    private func connected(to aggregator: String?) {
        aggregators.withLock { gauges in
            if let aggregator, gauges[aggregator] == nil {
                gauges[aggregator] = Gauge(
                    label: "fleet_agent_aggregator_connected", dimensions: [("aggregator", aggregator)], factory: factory)
            }
            for (name, gauge) in gauges { gauge.record(name == aggregator ? 1 : 0) }
        }
    }

    private static func advance(_ counter: Counter, from old: UInt64, to new: UInt64) {
        // A total that went backwards (a restarted source) starts a new count.
        let delta = new >= old ? new - old : new
        if delta > 0 { counter.increment(by: Int64(clamping: delta)) }
    }
}

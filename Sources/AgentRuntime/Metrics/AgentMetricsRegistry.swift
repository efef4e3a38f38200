public import CoreMetrics
import Prometheus

/// One Prometheus registry per agent process (not the global default, so tests stay isolated):
/// hands out a swift-metrics factory and renders the text exposition format for `/metrics`.
public struct AgentMetricsRegistry: Sendable {
    private let registry = PrometheusCollectorRegistry()

    /// Creates an empty registry.
    public init() {}

    /// The swift-metrics factory whose handles this registry exposes.
    public var factory: any MetricsFactory { PrometheusMetricsFactory(registry: registry) }

    /// The current values in the Prometheus text exposition format (version 0.0.4).
    public func render() -> [UInt8] { registry.emitToBuffer() }
}

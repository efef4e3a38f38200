import AggregatorRuntime
import ArgumentParser
import FleetModel
import Foundation
import Logging
import Prometheus
import QueryAPI
import Storage
import StorageSQLite

extension FleetAggregator {
    /// The query API over `store`, or nil without `--api`.
    func makeAPIServer(
        store: some AggregatorStore, ingest: IngestServer, detection: DetectionCounters, logger: Logger
    ) async throws -> (server: QueryAPIServer, host: String)? {
        guard let api else { return nil }
        let address = try HostPort(parsing: api)
        let token = try apiToken()
        let registry = PrometheusCollectorRegistry()
        let counters = ingest.counters
        let gauges = [
            ("fleet_ingest_batches_stored", "Batches committed to the store"),
            ("fleet_ingest_records_stored", "Records committed to the store"),
            ("fleet_ingest_duplicate_batches", "Replayed batches acknowledged without storing"),
            ("fleet_ingest_protocol_errors", "Connections closed for protocol errors"),
            ("fleet_ingest_auth_failures", "Connections refused for a bad agent token"),
        ].map { registry.makeGauge(descriptor: MetricNameDescriptor(metricName: $0.0, unitName: "total", helpText: $0.1)) }
        let detectionGauges = [
            ("fleet_detection_batches_evaluated", "total", "Committed batches run through the detectors"),
            ("fleet_detection_batches_dropped", "total", "Committed batches not evaluated (detection queue full)"),
            ("fleet_detection_findings_written", "total", "Findings written to the store"),
            ("fleet_detection_store_failures", "total", "Failed finding-store writes (retried)"),
            ("fleet_detection_findings_unwritten", "", "Changed findings not yet written to the store"),
            ("fleet_detection_leader", "", "1 while this aggregator holds the shared store's detection lease (PostgreSQL)"),
            ("fleet_detection_feed_position", "", "Last detection-feed position evaluated (PostgreSQL)"),
            ("fleet_detection_feed_undecodable", "total", "Detection-feed entries that could not be decoded (skipped)"),
        ].map { registry.makeGauge(descriptor: MetricNameDescriptor(metricName: $0.0, unitName: $0.1, helpText: $0.2)) }
        // The aggregator's findings live in the same store when the backend keeps them.
        let findings: any FindingStore = store
        let server = QueryAPIServer(
            configuration: QueryAPIConfiguration(host: address.host, port: address.port, token: token),
            store: store, findings: findings, metrics: registry,
            beforeScrape: {
                let snapshot = counters.snapshot
                let values = [
                    snapshot.batchesStored, snapshot.recordsStored, snapshot.duplicateBatches,
                    snapshot.protocolErrors, snapshot.authenticationFailures,
                ]
                for (gauge, value) in zip(gauges, values) { gauge.set(Double(value)) }
                // Evaluated is read before unwritten (see DetectionCounters.Snapshot.findingsUnwritten).
                let detected = detection.snapshot
                let detectionValues = [
                    detected.batchesEvaluated, detected.batchesDropped, detected.findingsWritten,
                    detected.storeFailures, detected.findingsUnwritten, detected.leader, detected.feedPosition,
                    detected.feedUndecodable,
                ]
                for (gauge, value) in zip(detectionGauges, detectionValues) { gauge.set(Double(value)) }
            },
            logger: logger)
        return (server, address.host)
    }

    /// The API token from `--api-token-file` or `FLEET_API_TOKEN`.
    func apiToken() throws -> String {
        var token: String?
        if let apiTokenFile {
            do {
                token = try String(contentsOfFile: apiTokenFile, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw ValidationError("cannot read API token file \(apiTokenFile): \(error.localizedDescription)")
            }
        } else {
            token = ProcessInfo.processInfo.environment["FLEET_API_TOKEN"]
        }
        guard let token, !token.isEmpty else {
            throw ValidationError("--api needs a token: --api-token-file FILE or FLEET_API_TOKEN")
        }
        guard token.utf8.count >= 16 else { throw ValidationError("the API token must be at least 16 characters") }
        return token
    }

    /// The retention task, or nil for `--retention 0`.
    func makeRetention(store: some AggregatorStore, logger: Logger) -> RetentionService? {
        guard let age = QueryTime.duration(retention), age.microseconds > 0 else { return nil }
        logger.info("retention on", metadata: ["retention.age": "\(retention)"])
        return RetentionService(
            maximumAge: age, interval: .seconds(60), logger: logger, now: QueryAPIConfiguration.wallClock,
            deleteChunk: { cutoff in try await store.deleteOlderThan(cutoff, chunkSize: 5_000) },
            afterPass: { try await store.afterRetentionPass() })
    }
}

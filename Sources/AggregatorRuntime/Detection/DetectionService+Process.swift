import Detectors
import FleetConfig
public import FleetModel
public import Logging
public import Storage

extension DetectionService {
    /// The executable's setup: loads `noiseFile` (if any), creates the service on the wall clock with the
    /// live defaults, and restores fleet context and names from `store`.
    /// - Parameter warmUp: each agent's warm-up (packet time from its first record); nil keeps the engine's
    ///   default (5 min), `.zero` turns it off (`fleet-aggregator --warm-up 0`).
    /// - Throws: ``NoiseFileError`` for a bad noise file; the store's error.
    /// - Parameter restoring: false when a ``DetectionLeader`` will run the service (it restores at each term).
    public static func start(
        noiseFile: String?, warmUp: NetworkDuration? = nil, store: any FlowStore & FindingStore, restoring: Bool = true,
        logger: Logger
    ) async throws -> DetectionService {
        var configuration = DetectionServiceConfiguration()
        if let noiseFile { configuration.noise = try NoiseFile.load(noiseFile) }
        if let warmUp { configuration.engine.warmUp = max(.zero, warmUp) }
        let service = DetectionService(configuration: configuration, findings: store, now: WallClock.now, logger: logger)
        let summary = restoring ? try await service.restore(from: store) : RestoreSummary()
        logger.info("detection ready", metadata: [
            "restore.agents": "\(summary.agents)", "restore.dns_records": "\(summary.dnsRecords)",
            "restore.name_records": "\(summary.nameRecords)", "noise.file": "\(noiseFile ?? "-")",
            "detection.warm_up_s": "\(configuration.engine.warmUp.microseconds / 1_000_000)",
        ])
        return service
    }

    /// Reloads `noiseFile` each time `triggers` yields (the executable passes SIGHUPs) until it ends or the
    /// task is cancelled; a bad file is logged and the previous settings stay.
    public func reloadNoise<Triggers: AsyncSequence & Sendable>(
        from noiseFile: String, on triggers: Triggers
    ) async where Triggers.Element == Void {
        do {
            for try await _ in triggers {
                do {
                    reloadNoise(try NoiseFile.load(noiseFile))
                } catch {
                    logger.error("noise file not reloaded; keeping the previous settings", metadata: [
                        "noise.file": "\(noiseFile)", "error": "\(error)",
                    ])
                }
            }
        } catch {
            // The trigger sequence failed: stop reloading.
        }
    }
}

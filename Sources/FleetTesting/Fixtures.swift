public import Foundation

/// Locates test data: the repository's `Tests/Fixtures` and the shared Zeek
/// conformance set beside the checkout (`../shared/conformance/zeek`).
public enum Fixtures {
    /// The repository root, derived from this file's path.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // FleetTesting
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // root
    }

    public static var fixturesDirectory: URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures")
    }

    /// `../shared/conformance/zeek`, or `$FLEETWATCH_CONFORMANCE` when set; nil when absent.
    public static var zeekConformanceDirectory: URL? {
        let environment = ProcessInfo.processInfo.environment["FLEETWATCH_CONFORMANCE"]
        let candidate = environment.map { URL(fileURLWithPath: $0) }
            ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/zeek")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: candidate.appendingPathComponent("traces").path, isDirectory: &isDirectory),
              isDirectory.boolValue else { return nil }
        return candidate
    }
}

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

    /// `$FLEETWATCH_CONFORMANCE` when set, else the nearest `shared/conformance/zeek` beside the
    /// checkout or up to four levels above it (a git worktree kept in a subfolder); nil when absent.
    public static var zeekConformanceDirectory: URL? {
        if let environment = ProcessInfo.processInfo.environment["FLEETWATCH_CONFORMANCE"] {
            let candidate = URL(fileURLWithPath: environment)
            return hasTraces(candidate) ? candidate : nil
        }
        var directory = repositoryRoot
        for _ in 0..<5 {
            directory = directory.deletingLastPathComponent()
            let candidate = directory.appendingPathComponent("shared/conformance/zeek")
            if hasTraces(candidate) { return candidate }
        }
        return nil
    }

    private static func hasTraces(_ candidate: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("traces").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}

public import FleetModel
import Foundation

/// The system clock as ``NetworkTime``: what the executable injects as `now` (tests inject a manual clock).
public enum WallClock {
    /// Microseconds since the Unix epoch, now.
    @Sendable public static func now() -> NetworkTime {
        NetworkTime(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}

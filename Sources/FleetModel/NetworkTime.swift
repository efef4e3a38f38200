/// A point in packet time: microseconds since the Unix epoch, taken from the
/// capture, never from the wall clock.
///
/// Zeek prints times with six decimals; microseconds keep that exact.
public struct NetworkTime: Sendable, Hashable, Comparable, Codable {
    public var microseconds: Int64

    @inlinable
    public init(microseconds: Int64) { self.microseconds = microseconds }

    @inlinable
    public init(seconds: Int64, microseconds: Int64) {
        self.microseconds = seconds &* 1_000_000 &+ microseconds
    }

    public static let zero = NetworkTime(microseconds: 0)

    /// Seconds as a floating-point value (for JSON and arithmetic in detectors).
    public var seconds: Double { Double(microseconds) / 1_000_000 }

    @inlinable
    public static func < (lhs: NetworkTime, rhs: NetworkTime) -> Bool { lhs.microseconds < rhs.microseconds }

    @inlinable
    public static func - (lhs: NetworkTime, rhs: NetworkTime) -> NetworkDuration {
        NetworkDuration(microseconds: lhs.microseconds &- rhs.microseconds)
    }

    @inlinable
    public static func + (lhs: NetworkTime, rhs: NetworkDuration) -> NetworkTime {
        NetworkTime(microseconds: lhs.microseconds &+ rhs.microseconds)
    }

    /// `1234567890.123456`: Zeek's `time` text form.
    public var zeekText: String { Self.sixDecimals(microseconds) }

    static func sixDecimals(_ value: Int64) -> String {
        let negative = value < 0
        let magnitude = value.magnitude
        let whole = magnitude / 1_000_000
        let fraction = magnitude % 1_000_000
        var fractionText = String(fraction)
        if fractionText.count < 6 {
            fractionText = String(repeating: "0", count: 6 - fractionText.count) + fractionText
        }
        return (negative ? "-" : "") + String(whole) + "." + fractionText
    }
}

/// A span of packet time in microseconds (Zeek's `interval`).
public struct NetworkDuration: Sendable, Hashable, Comparable, Codable {
    public var microseconds: Int64

    @inlinable
    public init(microseconds: Int64) { self.microseconds = microseconds }

    @inlinable
    public static func seconds(_ s: Int64) -> NetworkDuration { NetworkDuration(microseconds: s &* 1_000_000) }

    public static let zero = NetworkDuration(microseconds: 0)

    public var seconds: Double { Double(microseconds) / 1_000_000 }

    @inlinable
    public static func < (lhs: NetworkDuration, rhs: NetworkDuration) -> Bool { lhs.microseconds < rhs.microseconds }

    /// `60.991770`: Zeek's `interval` text form.
    public var zeekText: String { NetworkTime.sixDecimals(microseconds) }
}

/// When the agent hands accumulated records on as one batch.
///
/// A batch is flushed when it reaches `maxRecords` records or `maxBytes` estimated bytes, when
/// its oldest record has waited `maxAge`, or — when it holds an interim conn record (an update
/// on a long-lived flow) — once that record has waited `interimMaxAge`.
public struct BatchPolicy: Sendable, Hashable {
    /// Upper bound on records per batch; larger additions are cut into several batches.
    public var maxRecords: Int
    /// A batch is flushed once its estimated encoded size (`RecordSizeEstimate`) reaches this.
    public var maxBytes: Int
    /// Longest a record waits before its batch is flushed.
    public var maxAge: Duration
    /// Longest an interim record waits (zero: flushed with the addition that brought it).
    public var interimMaxAge: Duration

    /// - Parameters: see the properties; counts are clamped to at least 1, ages to at least zero.
    public init(
        maxRecords: Int = 5_000, maxBytes: Int = 1 << 20, maxAge: Duration = .seconds(5),
        interimMaxAge: Duration = .zero
    ) {
        self.maxRecords = max(1, maxRecords)
        self.maxBytes = max(1, maxBytes)
        self.maxAge = max(.zero, maxAge)
        self.interimMaxAge = max(.zero, min(interimMaxAge, self.maxAge))
    }
}

/// Why a batch was flushed.
public enum FlushReason: Sendable, Hashable {
    case maxRecords
    case maxBytes
    case maxAge
    case interim
    /// The caller asked (shutdown, end of a replayed file).
    case requested
}

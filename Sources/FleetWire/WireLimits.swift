/// Bounds the receiving side enforces on every frame.
///
/// The defaults fit batches of tens of thousands of records with room to spare.
/// Decoding a frame allocates at most about `maxFrameBytes + maxInflatedBytes`
/// plus the decoded message (protobuf arrays can be up to 8 times the inflated size).
public struct WireLimits: Sendable, Hashable {
    /// Largest body (after the 5-byte header) a frame may announce.
    public var maxFrameBytes: Int
    /// Largest size a compressed body may inflate to.
    public var maxInflatedBytes: Int
    /// Largest number of records (all types together) in one batch.
    public var maxRecordsPerBatch: Int

    /// - Parameters:
    ///   - maxFrameBytes: default 8 MiB.
    ///   - maxInflatedBytes: default 32 MiB.
    ///   - maxRecordsPerBatch: default 200,000.
    public init(maxFrameBytes: Int = 8 << 20, maxInflatedBytes: Int = 32 << 20, maxRecordsPerBatch: Int = 200_000) {
        self.maxFrameBytes = maxFrameBytes
        self.maxInflatedBytes = maxInflatedBytes
        self.maxRecordsPerBatch = maxRecordsPerBatch
    }

    /// The defaults.
    public static let standard = WireLimits()
}

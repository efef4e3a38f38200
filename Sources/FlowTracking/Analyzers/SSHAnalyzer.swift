public import FleetModel

/// Recognises SSH by its `SSH-` identification banners. Writes no log; confirms once
/// both sides sent a banner, rejects as soon as either side's first bytes differ.
public struct SSHAnalyzer: AppAnalyzer {
    public static let service = "ssh"

    private static let prefix: [UInt8] = Array("SSH-".utf8)
    /// Bytes of each side's `SSH-` prefix matched so far (4 = banner seen).
    private var originatorMatched = 0
    private var responderMatched = 0

    public init() {}

    /// Whether a fresh analyzer rejects these first bytes: they do not begin `SSH-`.
    /// Keep in step with `deliver`.
    static func rejectsFirst(_ data: UnsafeRawBufferPointer) -> Bool {
        var matched = 0
        for byte in data where matched < 4 {
            guard byte == prefix[matched] else { return true }
            matched += 1
        }
        return false
    }

    public mutating func deliver(
        _ data: UnsafeRawBufferPointer, fromOriginator: Bool, at time: NetworkTime,
        context: ConnContext, output: inout RecordBatch
    ) -> AnalyzerStatus {
        var matched = fromOriginator ? originatorMatched : responderMatched
        for byte in data where matched < 4 {
            guard byte == Self.prefix[matched] else { return .rejected }
            matched += 1
        }
        if fromOriginator { originatorMatched = matched } else { responderMatched = matched }
        return originatorMatched == 4 && responderMatched == 4 ? .confirmed : .pending
    }

    public mutating func gap(
        length: Int, fromOriginator: Bool, at time: NetworkTime, context: ConnContext, output: inout RecordBatch
    ) {}

    public mutating func finish(at time: NetworkTime, context: ConnContext, output: inout RecordBatch) {}
}

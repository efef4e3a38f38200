import FleetModel
import FleetWire
import NIOCore

/// Pure helpers of the ``Shipper`` over batches and their frames.
extension Shipper {
    /// The encoded batch frame `payload` with its sequence number replaced by `sequence`.
    static func renumber(_ payload: [UInt8], to sequence: UInt64, codec: WireCodec) throws -> [UInt8] {
        var input = ByteBuffer(bytes: payload)
        guard let frame = try WireFrameDecoder(limits: codec.limits).readFrame(from: &input),
              case .batch(var batch) = try codec.decode(frame) else {
            throw ShipperError("spooled payload is not a batch frame")
        }
        batch.sequence = sequence
        var output = ByteBuffer()
        try codec.write(.batch(batch), to: &output)
        return Array(output.readableBytesView)
    }

    static func timeRange(of records: RecordBatch) -> (NetworkTime, NetworkTime) {
        var times: [NetworkTime] = []
        times.reserveCapacity(records.count)
        times.append(contentsOf: records.conns.map(\.ts))
        times.append(contentsOf: records.dns.map(\.ts))
        times.append(contentsOf: records.http.map(\.ts))
        times.append(contentsOf: records.ssl.map(\.ts))
        times.append(contentsOf: records.weirds.map(\.ts))
        return (times.min() ?? .zero, times.max() ?? .zero)
    }
}

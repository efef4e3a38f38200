import CPcap
public import FleetModel

/// Reads a pcap or pcapng file through libpcap.
///
/// Not Sendable: the `pcap_t` handle stays in the isolation domain that created it.
public final class PcapFileReader {
    private let handle: OpaquePointer
    /// The file's link-layer type (`DLT_*`).
    public let linkType: Int32
    /// Snapshot length the file was written with.
    public let snapshotLength: Int32
    public let path: String

    /// Opens `path`; throws `CaptureError` with libpcap's message when it is missing or not a capture.
    public init(path: String) throws(CaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let handle = pcap_open_offline_with_tstamp_precision(
            path, UInt32(PCAP_TSTAMP_PRECISION_MICRO), &errorBuffer
        ) else {
            throw .cannotOpen("\(path): \(Self.string(errorBuffer))")
        }
        self.handle = handle
        self.path = path
        linkType = pcap_datalink(handle)
        snapshotLength = pcap_snapshot(handle)
    }

    deinit {
        pcap_close(handle)
    }

    /// Reads packets until the file ends, calling `body` with each frame's captured bytes.
    ///
    /// - Returns: the number of packets read.
    /// - Throws: `CaptureError.readFailed` when the file is damaged part-way; the
    ///   packets before the damage have been delivered.
    @discardableResult
    public func forEachPacket(
        _ body: (_ frame: UnsafeRawBufferPointer, _ timestamp: NetworkTime, _ wireLength: Int) throws -> Void
    ) throws -> Int {
        var count = 0
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        while true {
            let status = pcap_next_ex(handle, &header, &data)
            if status == 1, let header, let data {
                let captured = Int(header.pointee.caplen)
                let timestamp = NetworkTime(
                    seconds: Int64(header.pointee.ts.tv_sec), microseconds: Int64(header.pointee.ts.tv_usec)
                )
                try body(UnsafeRawBufferPointer(start: data, count: captured), timestamp, Int(header.pointee.len))
                count += 1
            } else if status == PCAP_ERROR_BREAK {
                return count
            } else if status == 0 {
                continue
            } else {
                throw CaptureError.readFailed("\(path): \(Self.string(pcap_geterr(handle)))")
            }
        }
    }

    static func string(_ buffer: [CChar]) -> String {
        buffer.withUnsafeBufferPointer { pointer in
            guard let base = pointer.baseAddress else { return "" }
            return String(cString: base)
        }
    }

    static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "unknown libpcap error" }
        return String(cString: pointer)
    }
}

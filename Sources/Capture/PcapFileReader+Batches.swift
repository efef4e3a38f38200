import CPcap

extension PcapFileReader {
    /// Opens `path` and replays it through a capture thread as a `PacketBatchStream`, the same
    /// path live capture takes (`--read FILE`).
    ///
    /// Unlike live capture, replay never drops: the thread waits when the consumer is
    /// `limits.bufferedBatches` behind. The stream throws `CaptureError.readFailed` when the file
    /// is damaged part-way, after delivering the packets before the damage.
    ///
    /// - Throws: `CaptureError.cannotOpen` when the file is missing or not a capture.
    public static func packetBatches(path: String, limits: PacketBatchLimits = PacketBatchLimits()) throws(CaptureError)
        -> PacketBatchStream
    {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let pointer = pcap_open_offline_with_tstamp_precision(
            path, UInt32(PCAP_TSTAMP_PRECISION_MICRO), &errorBuffer
        ) else {
            throw .cannotOpen("\(path): \(string(errorBuffer))")
        }
        let handle = PcapHandle(pointer)
        return CaptureThread.start(
            name: "fleetwatch.replay", handle: handle, linkType: pcap_datalink(pointer), limits: limits,
            overflow: .wait, isOffline: true, counters: CaptureCounters()
        )
    }
}

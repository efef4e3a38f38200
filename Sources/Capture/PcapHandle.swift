import CPcap

/// Owns one `pcap_t` and closes it when the last reference goes.
///
/// `@unchecked Sendable` because `pcap_t` is not thread-safe: the creator configures it, then
/// hands it to exactly one capture thread, which is the only user from then on. The one
/// exception is `breakLoop()`: libpcap documents `pcap_breakloop` as callable from another
/// thread (on Linux it also wakes the blocked poll through an eventfd).
final class PcapHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        pcap_close(pointer)
    }

    /// Asks a blocked `pcap_dispatch` to return `PCAP_ERROR_BREAK`. Safe from any thread.
    func breakLoop() {
        pcap_breakloop(pointer)
    }

    /// libpcap's last error message for this handle.
    var lastError: String {
        guard let message = pcap_geterr(pointer) else { return "unknown libpcap error" }
        return String(cString: message)
    }

    /// Reads `pcap_stats`; nil when the handle does not support it (savefiles).
    func statistics() -> pcap_stat? {
        var stat = pcap_stat()
        guard pcap_stats(pointer, &stat) == 0 else { return nil }
        return stat
    }
}

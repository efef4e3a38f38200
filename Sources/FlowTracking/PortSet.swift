/// A set of ports as a 65 536-bit map: membership is one word load and a shift, where
/// `Set<UInt16>.contains` hashes the port (asked for both ports of every new flow).
struct PortSet: Sendable {
    private var words: [UInt64]

    init(_ ports: Set<UInt16>) {
        var words = [UInt64](repeating: 0, count: 1024)
        for port in ports { words[Int(port >> 6)] |= 1 << UInt64(port & 63) }
        self.words = words
    }

    func contains(_ port: UInt16) -> Bool {
        let position = Int(port >> 6)
        guard position < words.count else { return false }
        return words[position] >> UInt64(port & 63) & 1 != 0
    }
}

public import FleetModel

/// Which application analyzers a new connection gets: dispatch as data.
///
/// An entry names the service, the transport, and either the responder ports
/// it is bound to or `nil` for "try on every connection" (payload-based
/// detection: the analyzer confirms or rejects from the bytes it sees).
public struct AnalyzerRegistry: Sendable {
    public struct Entry: Sendable {
        public var service: String
        public var transport: TransportProtocol
        /// Ports (either side) that attach the analyzer; nil attaches it everywhere.
        public var ports: Set<UInt16>?
        public var make: @Sendable () -> any AppAnalyzer

        public init(service: String, transport: TransportProtocol, ports: Set<UInt16>?, make: @escaping @Sendable () -> any AppAnalyzer) {
            self.service = service
            self.transport = transport
            self.ports = ports
            self.make = make
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// No application analysis at all (conn.log only).
    public static let none = AnalyzerRegistry(entries: [])

    func analyzers(transport: TransportProtocol, originatorPort: UInt16, responderPort: UInt16) -> [AnalyzerSlot] {
        var slots: [AnalyzerSlot] = []
        for entry in entries where entry.transport == transport {
            if let ports = entry.ports, !ports.contains(responderPort), !ports.contains(originatorPort) { continue }
            slots.append(AnalyzerSlot(analyzer: entry.make(), service: entry.service))
        }
        return slots
    }
}

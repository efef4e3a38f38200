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
        /// A shorter inactivity timeout for connections with this analyzer (Zeek's
        /// `dns_session_timeout` makes UDP DNS flows end 10 s after their last packet).
        public var inactivityTimeout: NetworkDuration?
        public var make: @Sendable () -> any AppAnalyzer

        public init(
            service: String, transport: TransportProtocol, ports: Set<UInt16>?, inactivityTimeout: NetworkDuration? = nil,
            make: @escaping @Sendable () -> any AppAnalyzer
        ) {
            self.service = service
            self.transport = transport
            self.ports = ports
            self.inactivityTimeout = inactivityTimeout
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
            slots.append(AnalyzerSlot(analyzer: entry.make(), service: entry.service, inactivityTimeout: entry.inactivityTimeout))
        }
        return slots
    }
}

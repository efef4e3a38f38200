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
        /// Makes the analyzer for a connection.
        public var make: @Sendable () -> any AppAnalyzer {
            didSet { kind = nil }
        }
        /// Set for Fleetwatch's own analyzers (cleared when `make` is replaced): they are
        /// attached when the connection's first stream event arrives, and not at all when
        /// they would reject its first bytes.
        var kind: StandardAnalyzer?

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

        init(
            service: String, transport: TransportProtocol, ports: Set<UInt16>?, inactivityTimeout: NetworkDuration? = nil,
            kind: StandardAnalyzer, make: @escaping @Sendable () -> any AppAnalyzer
        ) {
            self.init(service: service, transport: transport, ports: ports, inactivityTimeout: inactivityTimeout, make: make)
            self.kind = kind
        }

        func applies(transport: TransportProtocol, originatorPort: UInt16, responderPort: UInt16) -> Bool {
            guard self.transport == transport else { return false }
            if let ports, !ports.contains(responderPort), !ports.contains(originatorPort) { return false }
            return true
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// No application analysis at all (conn.log only).
    public static let none = AnalyzerRegistry(entries: [])

    /// The analyzers of a new connection, made now.
    func analyzers(transport: TransportProtocol, originatorPort: UInt16, responderPort: UInt16) -> [AnalyzerSlot] {
        var slots: [AnalyzerSlot] = []
        for entry in entries where entry.applies(transport: transport, originatorPort: originatorPort, responderPort: responderPort) {
            slots.append(AnalyzerSlot(analyzer: entry.make(), service: entry.service))
        }
        return slots
    }

    /// Shortest inactivity timeout among the entries that apply to a new connection.
    func inactivityTimeout(transport: TransportProtocol, originatorPort: UInt16, responderPort: UInt16) -> NetworkDuration? {
        var shortest: NetworkDuration?
        for entry in entries where entry.applies(transport: transport, originatorPort: originatorPort, responderPort: responderPort) {
            if let timeout = entry.inactivityTimeout, shortest.map({ timeout < $0 }) ?? true { shortest = timeout }
        }
        return shortest
    }
}

/// Fleetwatch's own analyzers, known to the registry by kind.
enum StandardAnalyzer: Int, CaseIterable, Sendable {
    case dns, http, ssl, ssh

    func make() -> any AppAnalyzer {
        switch self {
        case .dns: return DNSAnalyzer()
        case .http: return HTTPAnalyzer()
        case .ssl: return SSLAnalyzer()
        case .ssh: return SSHAnalyzer()
        }
    }

    /// True only when a fresh analyzer of this kind would return `.rejected` from its first
    /// `deliver(data, fromOriginator:)` (each analyzer states the rule next to its own check).
    func rejectsFirst(_ data: UnsafeRawBufferPointer, fromOriginator: Bool, transport: TransportProtocol) -> Bool {
        switch self {
        case .dns: return false
        case .http: return HTTPAnalyzer.rejectsFirst(data, fromOriginator: fromOriginator)
        case .ssl: return SSLAnalyzer.rejectsFirst(data, datagram: transport == .udp)
        case .ssh: return SSHAnalyzer.rejectsFirst(data)
        }
    }
}

import FleetModel

/// The analyzer registry compiled once per tracker into small tables, so that choosing a new
/// connection's analyzers copies no registry entry and hashes no port.
///
/// Entries are numbered by their position in `AnalyzerRegistry.entries`; a connection's
/// analyzers are a bit set over those numbers (registries of at most 64 entries; larger
/// ones are served entry by entry through the registry itself).
///
/// A class (immutable, shared): every packet hands it down to its connection, and as a struct of
/// a dozen fields it was copied onto the stack each time.
final class AnalyzerPlan: Sendable {
    private struct PortBinding: Sendable {
        var transport: TransportProtocol
        var port: UInt16
        var entries: UInt64
    }

    let registry: AnalyzerRegistry
    /// False when the registry has more than 64 entries.
    let compiled: Bool
    /// Per transport (tcp, udp, icmp, unknown): entries attached to every connection.
    private let everywhere: [UInt64]
    private let bindings: [PortBinding]
    /// Entries that can be attached late (Fleetwatch's own analyzers).
    private let deferrable: UInt64
    private let kinds: [StandardAnalyzer?]
    private let services: [String]
    /// `[service]` per entry, shared by the connections (see `AnalyzerSlot.serviceAlone`).
    private let serviceLists: [[String]]
    private let timeouts: [NetworkDuration?]
    private let dnsEntries: UInt64

    init(_ registry: AnalyzerRegistry) {
        self.registry = registry
        let entries = registry.entries
        compiled = entries.count <= 64
        var everywhere: [UInt64] = [0, 0, 0, 0]
        var bindings: [PortBinding] = []
        var deferrable: UInt64 = 0
        var dnsEntries: UInt64 = 0
        if compiled {
            for (index, entry) in entries.enumerated() {
                let bit: UInt64 = 1 << UInt64(index)
                if let ports = entry.ports {
                    for port in ports.sorted() {
                        bindings.append(PortBinding(transport: entry.transport, port: port, entries: bit))
                    }
                } else {
                    everywhere[Self.slot(entry.transport)] |= bit
                }
                if entry.kind != nil { deferrable |= bit }
                if entry.service == "dns" { dnsEntries |= bit }
            }
        }
        self.everywhere = everywhere
        self.bindings = bindings
        self.deferrable = deferrable
        self.dnsEntries = dnsEntries
        kinds = entries.map(\.kind)
        services = entries.map(\.service)
        serviceLists = entries.map { [$0.service] }
        timeouts = entries.map(\.inactivityTimeout)
    }

    @inline(__always)
    private static func slot(_ transport: TransportProtocol) -> Int {
        switch transport {
        case .tcp: return 0
        case .udp: return 1
        case .icmp: return 2
        case .unknown: return 3
        }
    }

    /// The entries that apply to a connection (either port may match a bound entry).
    func entries(transport: TransportProtocol, originatorPort: UInt16, responderPort: UInt16) -> UInt64 {
        let position = Self.slot(transport)
        var set = position < everywhere.count ? everywhere[position] : 0
        for binding in bindings
        where binding.transport == transport && (binding.port == originatorPort || binding.port == responderPort) {
            set |= binding.entries
        }
        return set
    }

    /// Whether every entry of `set` can be attached late.
    func canDefer(_ set: UInt64) -> Bool { compiled && set & ~deferrable == 0 }

    /// Shortest inactivity timeout among the entries of `set`.
    func inactivityTimeout(of set: UInt64) -> NetworkDuration? {
        var shortest: NetworkDuration?
        var rest = set
        while rest != 0 {
            let index = rest.trailingZeroBitCount
            rest &= rest &- 1
            guard index < timeouts.count, let timeout = timeouts[index] else { continue }
            if shortest.map({ timeout < $0 }) ?? true { shortest = timeout }
        }
        return shortest
    }

    /// Whether `set` holds a DNS entry.
    func containsDNS(_ set: UInt64) -> Bool { set & dnsEntries != 0 }

    /// Makes the deferred analyzers of `set`, in registry order, at their connection's first
    /// stream event. With `firstData` (the event is payload), an analyzer whose first `deliver`
    /// of these bytes would return `.rejected` is left out: a fresh analyzer rejecting its
    /// first bytes writes nothing and is dropped at once, so leaving it out changes no record.
    /// The slots are appended to `slots` (a reused connection's list keeps its storage).
    /// Analyzers kept in `pool` are used before new ones are made.
    func attach(
        _ set: UInt64, firstData: UnsafeRawBufferPointer?, fromOriginator: Bool, transport: TransportProtocol,
        to slots: inout [AnalyzerSlot], pool: inout AnalyzerPool
    ) {
        var rest = set
        while rest != 0 {
            let index = rest.trailingZeroBitCount
            rest &= rest &- 1
            guard index < kinds.count, index < services.count, index < serviceLists.count, let kind = kinds[index]
            else { continue }
            if let firstData, kind.rejectsFirst(firstData, fromOriginator: fromOriginator, transport: transport) { continue }
            if slots.isEmpty { slots.reserveCapacity(rest.nonzeroBitCount + 1) }
            slots.append(AnalyzerSlot(
                analyzer: pool.take(kind) ?? kind.make(), service: services[index], serviceAlone: serviceLists[index],
                kind: kind))
        }
    }
}

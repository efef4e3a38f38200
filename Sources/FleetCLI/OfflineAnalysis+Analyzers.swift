public import FlowTracking
import FleetModel

extension OfflineAnalysis {
    /// The application analyzers `fleetctl analyze` attaches, as Zeek's default script set does:
    /// DNS by port (53, NetBIOS 137, mDNS 5353, LLMNR 5355); HTTP, SSL and SSH on every TCP
    /// connection (Zeek finds them by payload, DPD), confirmed or rejected from the bytes.
    public static let standardAnalyzers = AnalyzerRegistry(entries: [
        .init(service: DNSAnalyzer.service, transport: .udp, ports: [53, 137, 5353, 5355]) { DNSAnalyzer() },
        .init(service: DNSAnalyzer.service, transport: .tcp, ports: [53]) { DNSAnalyzer() },
        .init(service: HTTPAnalyzer.service, transport: .tcp, ports: nil) { HTTPAnalyzer() },
        .init(service: SSLAnalyzer.service, transport: .tcp, ports: nil) { SSLAnalyzer() },
        .init(service: SSHAnalyzer.service, transport: .tcp, ports: nil) { SSHAnalyzer() },
    ])
}

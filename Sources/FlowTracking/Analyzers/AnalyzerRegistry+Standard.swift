import FleetModel

extension AnalyzerRegistry {
    /// Fleetwatch's application analyzers, attached like Zeek's defaults:
    /// DNS by port (53/udp+tcp, 137/udp NetBIOS-NS, 5353/udp mDNS, 5355/udp LLMNR, with
    /// Zeek's 10 s `dns_session_timeout` for UDP), HTTP, TLS and SSH on every TCP
    /// connection (they confirm or reject from the first bytes), and DTLS on every UDP flow.
    public static let standard = AnalyzerRegistry(entries: [
        Entry(service: DNSAnalyzer.service, transport: .udp, ports: [53, 137, 5353, 5355],
              inactivityTimeout: .seconds(10), kind: .dns, make: { DNSAnalyzer() }),
        Entry(service: DNSAnalyzer.service, transport: .tcp, ports: [53], kind: .dns, make: { DNSAnalyzer() }),
        Entry(service: HTTPAnalyzer.service, transport: .tcp, ports: nil, kind: .http, make: { HTTPAnalyzer() }),
        Entry(service: SSLAnalyzer.service, transport: .tcp, ports: nil, kind: .ssl, make: { SSLAnalyzer() }),
        Entry(service: SSHAnalyzer.service, transport: .tcp, ports: nil, kind: .ssh, make: { SSHAnalyzer() }),
        Entry(service: SSLAnalyzer.service, transport: .udp, ports: nil, kind: .ssl, make: { SSLAnalyzer() }),
    ])
}

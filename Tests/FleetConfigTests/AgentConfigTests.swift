import FleetConfig
import FleetModel
import Foundation
import Testing

/// The repository's `deploy/` folder.
enum Deploy {
    static func file(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/\(name)").path
    }
}

@Suite struct AgentConfigTests {
    @Test func loadsTheDeployExample() throws {
        let config = try AgentConfig(contentsOf: Deploy.file("fleet-agent.yaml"))
        #expect(config.interface == "eth0")
        #expect(config.read == nil)
        #expect(config.filter == "not port 22")
        #expect(config.aggregators == [
            HostAndPort(host: "aggregator-1.internal", port: 7070), HostAndPort(host: "aggregator-2.internal", port: 7070),
        ])
        #expect(config.agentID == "vm-web-1")
        #expect(config.hostname == nil)
        #expect(config.spool.directory == "/var/lib/fleetwatch/spool")
        #expect(config.spool.maxBytes == 256 << 20)
        #expect(config.tls.ca == "/etc/fleetwatch/ca.pem")
        #expect(config.tls.serverName == nil)
        #expect(config.tls.plaintext == false)
        #expect(config.batch.maxRecords == 5_000)
        #expect(config.batch.maxInterval == .seconds(5))
        #expect(config.flowTimeouts.tcp == .seconds(300))
        #expect(config.flowTimeouts.udp == .seconds(60))
        #expect(config.maxFlows == 1_000_000)
        #expect(config.interimInterval == .seconds(60))
        #expect(config.firstInterimDelay == .seconds(5))
        #expect(config.metrics == HostAndPort(host: "127.0.0.1", port: 9464))
        #expect(config.vpcCIDRs.map(\.description) == ["172.31.0.0/16", "fd00:ec2::/32"])
        #expect(config.addresses.isEmpty)
        #expect(config.drainTimeout == .seconds(60))
        #expect(config.ackTimeout == .seconds(30))
        #expect(config.logLevel == "info")
        try config.validate()
    }

    @Test func firstInterimDelayTakesADuration() throws {
        #expect(try AgentConfig(yaml: "first_interim_delay: 2s\n").firstInterimDelay == .seconds(2))
        #expect(try AgentConfig(yaml: "first_interim_delay: 500ms\n").firstInterimDelay == .milliseconds(500))
        #expect(throws: ConfigError.self) { try AgentConfig(yaml: "first_interim_delay: 0s\n") }
    }

    @Test func emptyFileGivesDefaults() throws {
        #expect(try AgentConfig(yaml: "") == AgentConfig())
        #expect(try AgentConfig(yaml: "# only a comment\n") == AgentConfig())
    }

    @Test func offSwitchesAndUnits() throws {
        let config = try AgentConfig(yaml: """
            read: /tmp/x.pcap
            metrics: off
            interim_interval: off
            first_interim_delay: off
            spool: {dir: /tmp/s, max_bytes: 2GiB}
            batch: {max_interval: 250ms, max_records: 10}
            flow_timeouts: {tcp: 1h, udp: 30, icmp: 2m}
            ack_timeout: off
            """)
        #expect(config.metrics == nil)
        #expect(config.ackTimeout == nil)
        #expect(try AgentConfig(yaml: "ack_timeout: 500ms\n").ackTimeout == .milliseconds(500))
        #expect(try AgentConfig(yaml: "ack_timeout: 2m\n").ackTimeout == .seconds(120))
        #expect(AgentConfig().ackTimeout == .seconds(30))
        #expect(config.interimInterval == nil)
        #expect(config.firstInterimDelay == nil)
        #expect(config.spool.maxBytes == 2 << 30)
        #expect(config.batch.maxInterval == .milliseconds(250))
        #expect(config.flowTimeouts.tcp == .seconds(3600))
        #expect(config.flowTimeouts.udp == .seconds(30))
        #expect(config.flowTimeouts.icmp == .seconds(120))
    }

    @Test func aggregatorTakesOneAddressOrAList() throws {
        let a = HostAndPort(host: "agg-a.internal", port: 7070)
        let b = HostAndPort(host: "10.0.0.6", port: 7071)
        let v6 = HostAndPort(host: "::1", port: 7000)
        #expect(try AgentConfig(yaml: "aggregator: agg-a.internal:7070").aggregators == [a])
        #expect(try AgentConfig(yaml: "aggregator: agg-a.internal:7070").aggregator == a)
        #expect(try AgentConfig(yaml: "aggregator: 'agg-a.internal:7070, 10.0.0.6:7071'").aggregators == [a, b])
        #expect(try AgentConfig(yaml: "aggregator: ['agg-a.internal:7070', '10.0.0.6:7071', '[::1]:7000']").aggregators == [a, b, v6])
        #expect(try AgentConfig(yaml: "aggregators:\n  - '[::1]:7000'\n  - agg-a.internal:7070\n").aggregators == [v6, a])
        #expect(try AgentConfig(yaml: "aggregators: 10.0.0.6:7071").aggregators == [b])
        #expect(try AgentConfig(yaml: "aggregator:\n").aggregators.isEmpty)
        var config = AgentConfig()
        config.aggregators = [a, b]
        #expect(config.aggregator == a)
        config.aggregator = b
        #expect(config.aggregators == [b])
        config.aggregator = nil
        #expect(config.aggregators.isEmpty)
    }

    @Test func aggregatorErrorsCarryTheItemLine() {
        #expect {
            _ = try AgentConfig(yaml: "agent_id: a\naggregators:\n  - a:7070\n  - b:0\n")
        } throws: { error in
            (error as? ConfigError)?.description == "line 4: aggregators[1]: expected HOST:PORT, got \"b:0\""
        }
    }

    @Test func addressesAreAList() throws {
        let config = try AgentConfig(yaml: "addresses: [172.31.6.55, 'fd00:ec2::55']")
        #expect(config.addresses.map(\.description) == ["172.31.6.55", "fd00:ec2::55"])
    }

    static let badValues: [(yaml: String, key: String, fragment: String)] = [
        ("aggregator: nope", "aggregator", "expected HOST:PORT"),
        ("aggregator: host:99999", "aggregator", "expected HOST:PORT"),
        ("aggregator: 'a:7070,b:99999'", "aggregator", "expected HOST:PORT, got \"b:99999\""),
        ("aggregator: 'a:7070,'", "aggregator", "expected HOST:PORT, got \"\""),
        ("aggregator: ['a:7070', nope]", "aggregator[1]", "expected HOST:PORT, got \"nope\""),
        ("aggregator: ['a:7070', ['b:1']]", "aggregator[1]", "expected HOST:PORT, got a list"),
        ("aggregator: []", "aggregator", "expected at least one HOST:PORT"),
        ("aggregator: {host: a}", "aggregator", "expected HOST:PORT or a list"),
        ("aggregator: ['a:7070', 'a:7070']", "aggregator[1]", "a:7070 is listed twice"),
        ("aggregators: ['[::1]:7000', '[::1]:7000']", "aggregators[1]", "[::1]:7000 is listed twice"),
        ("aggregators: ['::1:7000x']", "aggregators[0]", "expected HOST:PORT"),
        ("aggregator: a:1\naggregators: [b:2]", "aggregators", "either aggregator or aggregators"),
        ("metrics: 127.0.0.1", "metrics", "expected HOST:PORT"),
        ("spool: {max_bytes: 12XB}", "spool.max_bytes", "expected a size"),
        ("spool: {max_bytes: 10}", "spool.max_bytes", "must be between"),
        ("spool: /tmp", "spool", "expected a mapping"),
        ("tls: {plaintext: maybe}", "tls.plaintext", "expected true or false"),
        ("batch: {max_records: 0}", "batch.max_records", "must be between"),
        ("batch: {max_records: many}", "batch.max_records", "expected an integer"),
        ("batch: {max_interval: soon}", "batch.max_interval", "expected a duration"),
        ("flow_timeouts: {tcp: -5s}", "flow_timeouts.tcp", "expected a duration"),
        ("vpc_cidrs: [10.0.0.0/8, 10.0.0.0/99]", "vpc_cidrs[1]", "expected a CIDR"),
        ("vpc_cidrs: 10.0.0.0/8", "vpc_cidrs", "expected a list"),
        ("addresses: [172.31.6.55, 172.31.6.999]", "addresses[1]", "expected an IP address"),
        ("addresses: 172.31.6.55", "addresses", "expected a list"),
        ("log_level: loud", "log_level", "expected one of"),
        ("ack_timeout: 50ms", "ack_timeout", "must be between"),
        ("ack_timeout: never", "ack_timeout", "expected a duration"),
        ("agent_id: [a, b]", "agent_id", "expected a single value"),
        ("intreface: eth0", "intreface", "unknown key"),
        ("tls: {ca: x, cert: y}", "tls.cert", "unknown key"),
        ("api: 127.0.0.1:8080", "api", "unknown key"),
    ]

    @Test(arguments: badValues) func badValuesNameTheirKey(_ bad: (yaml: String, key: String, fragment: String)) {
        #expect {
            _ = try AgentConfig(yaml: bad.yaml)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.key == bad.key && error.message.contains(bad.fragment)
                && error.description.contains("\(bad.key): ")
        }
    }

    @Test func errorsCarryFileAndLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fleetconfig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("agent.yaml").path
        try "agent_id: a\n\naggregator: nope\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try AgentConfig(contentsOf: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(path):3: aggregator: expected HOST:PORT, got \"nope\"")
        }
        #expect(throws: ConfigError.self) { try AgentConfig(contentsOf: directory.appendingPathComponent("missing.yaml").path) }
    }

    @Test func malformedYAMLAndDuplicateKeysAreErrors() {
        #expect(throws: ConfigError.self) { try AgentConfig(yaml: "agent_id: [unclosed") }
        #expect(throws: ConfigError.self) { try AgentConfig(yaml: "- a\n- b\n") }
        #expect {
            try AgentConfig(yaml: "agent_id: a\nagent_id: b\n")
        } throws: { ($0 as? ConfigError)?.message.contains("agent_id") == true }
    }

    @Test func validateNamesWhatIsMissing() throws {
        var config = AgentConfig()
        #expect { try config.validate() } throws: { ($0 as? ConfigError)?.key == "interface" }
        config.read = "/tmp/x.pcap"
        #expect { try config.validate() } throws: { ($0 as? ConfigError)?.key == "aggregator" }
        config.aggregator = HostAndPort("127.0.0.1:7070")
        #expect { try config.validate() } throws: { ($0 as? ConfigError)?.key == "agent_id" }
        config.agentID = "vm-1"
        #expect { try config.validate() } throws: { ($0 as? ConfigError)?.key == "spool.dir" }
        config.spool.directory = "/tmp/spool"
        try config.validate()
        config.tls.plaintext = true
        config.tls.ca = "/ca.pem"
        #expect { try config.validate() } throws: { ($0 as? ConfigError)?.key == "tls.plaintext" }
    }

    @Test(arguments: [
        ("5s", Duration.seconds(5)), ("500ms", .milliseconds(500)), ("2m", .seconds(120)), ("1h", .seconds(3600)),
        ("1.5", .milliseconds(1500)), ("0", .zero),
    ])
    func durations(_ text: String, _ expected: Duration) {
        #expect(ConfigValue.duration(text) == expected)
    }

    @Test(arguments: ["", "s", "5 parsecs", "-1s", "1e9h", "nan", "5S"])
    func badDurations(_ text: String) {
        #expect(ConfigValue.duration(text) == nil)
    }

    @Test func sizesAndAddresses() {
        #expect(ConfigValue.byteSize("1048576") == 1 << 20)
        #expect(ConfigValue.byteSize("512KiB") == 512 << 10)
        #expect(ConfigValue.byteSize("3 GiB") == 3 << 30)
        #expect(ConfigValue.byteSize("1.5MiB") == nil)
        #expect(ConfigValue.byteSize("99999999999999999999GiB") == nil)
        #expect(HostAndPort("[::1]:9464") == HostAndPort(host: "::1", port: 9464))
        #expect(HostAndPort("[::1]:9464")?.description == "[::1]:9464")
        #expect(HostAndPort(":80") == nil)
        #expect(HostAndPort("host:0") == nil)
        #expect(HostAndPort("host") == nil)
    }
}

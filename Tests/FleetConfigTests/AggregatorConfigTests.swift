import FleetConfig
import Testing

@Suite struct AggregatorConfigTests {
    @Test func loadsTheDeployExample() throws {
        let config = try AggregatorConfig(contentsOf: Deploy.file("fleet-aggregator.yaml"))
        #expect(config.listen == HostAndPort(host: "0.0.0.0", port: 7070))
        #expect(config.store == "/var/lib/fleetwatch/fleet.sqlite")
        #expect(config.tokens == "/etc/fleetwatch/tokens")
        #expect(config.allowAnyAgent == false)
        #expect(config.plaintext == false)
        #expect(config.tls.cert == "/etc/fleetwatch/aggregator-cert.pem")
        #expect(config.tls.key == "/etc/fleetwatch/aggregator-key.pem")
        #expect(config.logLevel == "info")
        try config.validate()
    }

    @Test func defaults() throws {
        let config = try AggregatorConfig(yaml: "store: agg.sqlite\nallow_any_agent: true\nplaintext: true\n")
        #expect(config.listen == HostAndPort(host: "127.0.0.1", port: 7070))
        try config.validate()
    }

    @Test(arguments: [
        ("listen: 7070", "listen", "expected HOST:PORT"),
        ("plaintext: 1.5", "plaintext", "expected true or false"),
        ("tls: {cert: a.pem, chain: b.pem}", "tls.chain", "unknown key"),
        ("retention: 30d", "retention", "unknown key"),
        ("detection: {}", "detection", "unknown key"),
    ])
    func badValuesNameTheirKey(_ yaml: String, _ key: String, _ fragment: String) {
        #expect {
            _ = try AggregatorConfig(yaml: yaml)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.key == key && error.message.contains(fragment)
        }
    }

    @Test func listenErrorReadsAsDocumented() {
        do {
            _ = try AggregatorConfig(yaml: "listen: nope")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "line 1: listen: expected HOST:PORT, got \"nope\"")
        }
    }

    @Test func validateNamesTheConflict() throws {
        var config = AggregatorConfig()
        #expect { try config.validate() } throws: { ($0 as? ConfigError)?.key == "store" }
        config.store = "a.sqlite"
        config.tls.cert = "c.pem"
        #expect { try config.validate() } throws: { ($0 as? ConfigError)?.key == "tls" }
        config.tls.key = "k.pem"
        config.plaintext = true
        #expect { try config.validate() } throws: { ($0 as? ConfigError)?.key == "plaintext" }
        config.plaintext = false
        #expect { try config.validate() } throws: { ($0 as? ConfigError)?.key == "tokens" }
        config.tokens = "tokens"
        try config.validate()
    }
}

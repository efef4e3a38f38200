import ArgumentParser
import FleetCLI
import Foundation
import Testing

/// Every fleetctl query command against a real query API on loopback over a temporary SQLite
/// store; outputs compared with golden files.
@Suite(.serialized)
struct CommandTests {
    @Test(arguments: [
        (["conn", "--since", "1h"], "conn-1h.table"),
        (["conn", "--since", "1h", "-o", "json"], "conn-1h.json"),
        (["conn", "--since", "3h", "-o", "zeek"], "conn-3h.zeek"),
        (["conn", "--since", "1h", "--host", "93.184.216.0/24", "--sort", "duration"], "conn-host-duration.table"),
        (["conn", "--since", "3h", "--agent", "alpha", "--proto", "tcp", "--min-duration", "10m"], "conn-filters.table"),
        (["dns", "--query", "example.com"], "dns-example.table"),
        (["dns", "--query", "example.com", "-o", "zeek"], "dns-example.zeek"),
        (["dns", "--since", "1h", "-o", "json", "--sort", "time_desc"], "dns-desc.json"),
        (["http", "--uri", "wp-login"], "http-uri.table"),
        (["http", "--since", "1h", "-o", "zeek"], "http.zeek"),
        (["ssl", "--port", "443"], "ssl-443.table"),
        (["ssl", "-o", "json"], "ssl.json"),
        (["agents"], "agents.table"),
        (["agents", "-o", "json"], "agents.json"),
        (["anomalies", "--since", "1h"], "anomalies-1h.table"),
        (["anomalies", "--since", "1d", "-o", "json"], "anomalies-1d.json"),
        (["anomalies", "--since", "1d", "--severity", "medium"], "anomalies-medium.table"),
    ])
    func goldenOutput(arguments: [String], golden: String) async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        let output = try await fixture.withServer { port in try await fleetctl(arguments, port: port) }
        try Golden.check(output, golden)
        if golden.hasSuffix(".table") {
            for line in output.split(separator: "\n") { #expect(line.count <= 100, "line wider than 100: \(line)") }
        }
    }

    @Test func wrongOrMissingTokenIsOneLine401() async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        try await fixture.withServer { port in
            for token in ["wrong-token-0123456789", nil] {
                let error = await #expect(throws: FleetctlError.self) {
                    _ = try await fleetctl(["conn", "--since", "1h"], port: port, token: token)
                }
                #expect(error?.message.contains("refused the token (401)") == true)
                #expect(error?.message.contains("\n") == false)
            }
        }
    }

    @Test func unreachableServer() async throws {
        // Bind and release a port so nothing listens there.
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        let port = try await fixture.withServer { port in port }
        let error = await #expect(throws: FleetctlError.self) {
            _ = try await fleetctl(["agents"], port: port)
        }
        #expect(error?.message == "cannot reach the aggregator at 127.0.0.1:\(port) (connection refused)")
    }

    @Test(arguments: [
        (["conn", "--since", "yesterday"], "--since: bad time \"yesterday\""),
        (["conn", "--until", "15x"], "--until: bad time \"15x\""),
        (["conn", "--host", "10.0.0.300"], "--host 10.0.0.300: not an address or CIDR"),
        (["conn", "--port", "70000"], "--port must be 0...65535"),
        (["conn", "--proto", "sctp"], "bad request: proto must be tcp, udp or icmp, not \"sctp\" (parameter proto)"),
        (["conn", "--min-duration", "soon"], "bad request: min_duration must be a duration (30s, 5m) or seconds, not \"soon\" (parameter min_duration)"),
        (["anomalies", "--severity", "huge"], "bad request: severity must be one of info, low, medium, high, critical, not \"huge\" (parameter severity)"),
        (["agents", "-o", "zeek"], "-o zeek applies to conn, dns, http and ssl; use -o json or -o table"),
    ])
    func badInputIsOneLineExit2(arguments: [String], message: String) async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        try await fixture.withServer { port in
            let error = await #expect(throws: FleetctlError.self) { _ = try await fleetctl(arguments, port: port) }
            #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "no error")")
            #expect(error?.exitCode == 2)
        }
    }

    @Test func anomaliesWithoutFindingStoreIs503() async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        try await fixture.withServer(findings: false) { port in
            let error = await #expect(throws: FleetctlError.self) { _ = try await fleetctl(["anomalies"], port: port) }
            #expect(error?.message == "the aggregator answered 503 Service Unavailable: this aggregator keeps no findings")
        }
    }

    @Test func serverAndTokenFromEnvironmentAndConfigFile() async throws {
        let fixture = try await APIFixture.make()
        defer { fixture.remove() }
        let configPath = fixture.directory + "/fleetctl.conf"
        try await fixture.withServer { port in
            // Environment.
            var command = try #require(try Fleetctl.parseAsRoot(["agents", "-o", "json"]) as? any QueryCommand)
            let fromEnvironment = OutputCollector()
            try await command.execute(context: fromEnvironment.context(environment: [
                "FLEET_SERVER": "http://127.0.0.1:\(port)", "FLEET_TOKEN": APIFixture.token,
                "FLEETCTL_CONFIG": configPath,
            ]))
            #expect(fromEnvironment.text.split(separator: "\n").count == 2)
            // Config file (YAML-style and key=value both read).
            try "# fleetctl\nserver: 127.0.0.1:\(port)\ntoken = \"\(APIFixture.token)\"\n"
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            command = try #require(try Fleetctl.parseAsRoot(["agents", "-o", "json"]) as? any QueryCommand)
            let fromFile = OutputCollector()
            try await command.execute(context: fromFile.context(environment: ["FLEETCTL_CONFIG": configPath]))
            #expect(fromFile.text == fromEnvironment.text)
        }
    }
}

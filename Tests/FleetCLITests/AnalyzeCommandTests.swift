import ArgumentParser
import Detectors
import FleetCLI
import FleetModel
import FlowTracking
import Foundation
import Testing
import ZeekLogs

/// `fleetctl analyze`: argument parsing and the options they produce.
@Suite("fleetctl analyze: parsing")
struct AnalyzeCommandTests {
    @Test func defaults() throws {
        let command = try Fleetctl.Analyze.parse(["trace.pcap"])
        #expect(command.files == ["trace.pcap"])
        #expect(command.out == ".")
        #expect(command.format == .tsv)
        #expect(!command.ignoreChecksums)
        let options = command.options
        #expect(options.outputDirectory == ".")
        #expect(!options.ignoreChecksums)
        #expect(options.pipeline.flows.interimInterval == nil)
        #expect(options.pipeline.flows.tcpInactivityTimeout == .seconds(300))
    }

    @Test func everyOption() throws {
        let command = try Fleetctl.Analyze.parse([
            "-C", "--out", "/tmp/x", "--format", "json", "--tcp-timeout", "30", "--udp-timeout", "1.5",
            "--icmp-timeout", "2", "--max-flows", "10", "--interim-interval", "60", "a.pcap", "b.pcapng",
        ])
        #expect(command.files == ["a.pcap", "b.pcapng"])
        let options = command.options
        #expect(options.ignoreChecksums)
        #expect(options.format == .json)
        #expect(options.outputDirectory == "/tmp/x")
        #expect(options.pipeline.flows.tcpInactivityTimeout == .seconds(30))
        #expect(options.pipeline.flows.udpInactivityTimeout.microseconds == 1_500_000)
        #expect(options.pipeline.flows.icmpInactivityTimeout == .seconds(2))
        #expect(options.pipeline.flows.maxFlows == 10)
        #expect(options.pipeline.flows.interimInterval == .seconds(60))
        #expect(try Fleetctl.Analyze.parse(["--ignore-checksums", "a.pcap"]).ignoreChecksums)
        #expect(try Fleetctl.Analyze.parse(["--max-findings", "7", "a.pcap"]).options.detection?.maxFindings == 7)
        #expect(try Fleetctl.Analyze.parse(["a.pcap"]).options.detection?.maxFindings == 250_000)
        #expect(try Fleetctl.Analyze.parse(["a.pcap"]).limit == 100)
        #expect(try Fleetctl.Analyze.parse(["--limit", "0", "a.pcap"]).limit == 0)
    }

    @Test(arguments: [
        [String](), ["--format", "xml", "a.pcap"], ["--tcp-timeout", "-1", "a.pcap"], ["--max-flows", "0", "a.pcap"],
        ["--interim-interval", "-5", "a.pcap"], ["--max-findings", "0", "a.pcap"], ["--bogus", "a.pcap"],
        ["--limit", "-1", "a.pcap"],
    ])
    func rejectsBadArguments(arguments: [String]) {
        #expect(throws: (any Error).self) { try Fleetctl.Analyze.parse(arguments) }
    }

    @Test func registeredAsSubcommand() throws {
        let command = try Fleetctl.parseAsRoot(["analyze", "x.pcap"])
        #expect(command is Fleetctl.Analyze)
    }

    @Test func summaryListsEveryLog() {
        var summary = OfflineAnalysis.Summary()
        summary.packets = 10
        summary.rows = ["conn": 3, "weird": 1]
        let text = Fleetctl.Analyze.summaryText(summary)
        #expect(text.hasPrefix("packets 10  bytes 0  flows 0  weirds 1\n"))
        #expect(text.contains("conn.log  3 rows\n"))
        #expect(text.contains("dns.log   0 rows\n"))
        #expect(!text.contains("findings dropped"))
        summary.findingsEvicted = 12
        #expect(Fleetctl.Analyze.summaryText(summary).contains("findings dropped at the --max-findings limit: 12"))
    }
}

/// `fleetctl analyze --noise/--vpc-cidr`: the detectors' noise model.
@Suite("fleetctl analyze: noise model")
struct AnalyzeNoiseOptionTests {
    @Test func vpcCidrAndNoiseFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("noise-\(UInt32.random(in: 0...UInt32.max)).conf").path
        try "endpoint metadata 169.254.42.254/32\nallow cidr 203.0.113.10/32\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let command = try Fleetctl.Analyze.parse(["--noise", path, "--vpc-cidr", "172.31.0.0/16", "a.pcap"])
        let noise = try command.noiseModel(agent: "offline")
        #expect(noise.classify(try #require(IPAddress("169.254.42.254")), agent: "offline") == .cloudService("metadata"))
        #expect(noise.classify(try #require(IPAddress("203.0.113.10")), agent: "offline") == .allowlisted)
        #expect(noise.classify(try #require(IPAddress("172.31.0.2")), agent: "offline") == .cloudService("vpc-resolver"))
        #expect(noise.classify(try #require(IPAddress("10.0.0.1")), agent: "offline") == .otherPrivate)
    }

    @Test func badNoiseInput() throws {
        #expect(throws: (any Error).self) { try Fleetctl.Analyze.parse(["--vpc-cidr", "10.0.0.0/40", "a.pcap"]) }
        let missing = try Fleetctl.Analyze.parse(["--noise", "/nonexistent/noise.conf", "a.pcap"])
        #expect(throws: OfflineAnalysisError.self) { try missing.noiseModel(agent: "offline") }
    }
}

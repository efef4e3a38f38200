import ArgumentParser
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
    }

    @Test(arguments: [
        [String](), ["--format", "xml", "a.pcap"], ["--tcp-timeout", "-1", "a.pcap"], ["--max-flows", "0", "a.pcap"],
        ["--interim-interval", "-5", "a.pcap"], ["--bogus", "a.pcap"],
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
    }
}

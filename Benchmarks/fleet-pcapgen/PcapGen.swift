import ArgumentParser

/// `fleet-pcapgen`: writes synthetic captures for benchmarks, tests and the demo.
@main
struct PcapGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-pcapgen",
        abstract: "Generate synthetic pcap captures.",
        subcommands: [Mix.self, Story.self]
    )
}

extension PcapGen {
    /// `mix`: a large, realistic, deterministic interleaved capture.
    struct Mix: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Interleaved TCP/UDP/DNS/HTTP/TLS traffic (~570-byte average frames), streamed to a file."
        )

        @Option(help: "Number of packets to write.") var packets = 1_000_000
        @Option(help: "Approximate number of flows.") var flows = 100_000
        @Option(help: "Random seed; the same seed gives the same file.") var seed: UInt64 = 1
        @Option(help: "Capture span in seconds (default: flows / 150).") var duration: Double?
        @Option(help: "Output pcap file.") var out: String

        func validate() throws {
            guard packets > 0, flows > 0, flows <= packets else {
                throw ValidationError("need packets > 0 and 0 < flows <= packets")
            }
        }

        func run() throws {
            let sink = try FileSink(path: out)
            let span = duration ?? max(Double(flows) / 150, 1)
            var generator = MixGenerator(packets: packets, flows: flows, seed: seed, spanSeconds: span)
            let summary = try generator.run(into: sink)
            try sink.close()
            print(
                "fleet-pcapgen mix: \(summary.packets) packets, \(summary.flows) flows, "
                    + "\(summary.bytes) frame bytes (\(summary.bytes / max(summary.packets, 1)) B/frame avg), "
                    + "span \(Int(summary.spanSeconds)) s -> \(out)"
            )
        }
    }

    /// `story`: the reverse-shell attack story used by the README demo and tests.
    struct Story: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The cloud-VM reverse-shell attack story, byte by byte."
        )

        @Option(help: "Output pcap file.") var out: String

        func run() throws {
            let frames = StoryCapture.frames()
            let sink = try FileSink(path: out)
            var writer = PcapWriterFacade()
            for frame in frames { writer.append(frame) }
            try sink.write(writer.takeBytes())
            try sink.close()
            print("fleet-pcapgen story: \(frames.count) packets -> \(out)")
        }
    }
}

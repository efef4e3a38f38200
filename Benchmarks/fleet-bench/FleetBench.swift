import ArgumentParser
import Capture
import FleetModel
import FlowTracking
import Foundation
import PacketLayers

/// `fleet-bench`: the bare pipeline's throughput, without log writing.
///
/// Reads a capture with `PcapFileReader`, feeds every frame to `PacketPipeline`,
/// drains and discards the records, and prints one line:
/// `packets=N seconds=S pps=P records=R`.
@main
struct FleetBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-bench",
        abstract: "Measure packets/s of the decoder + flow tracker on a pcap (records discarded)."
    )

    @Argument(help: "The pcap or pcapng file to read.") var file: String
    @Option(help: "Flow-table limit (FlowConfiguration.maxFlows).") var maxFlows: Int?
    @Option(help: "Drain records every N packets.") var drainEvery = 4_096
    @Option(name: .customLong("repeat"), help: "Read the file this many times in a row (the file stays in page cache).") var repetitions = 1
    @Flag(help: "Skip transport checksum verification (Zeek -C).") var ignoreChecksums = false

    func run() throws {
        var configuration = PipelineConfiguration()
        if let maxFlows { configuration.flows.maxFlows = maxFlows }
        if ignoreChecksums { configuration.decoder.verifyChecksums = false }
        for _ in 0..<max(repetitions, 1) {
            try measure(configuration)
        }
    }

    private func measure(_ configuration: PipelineConfiguration) throws {
        var pipeline = PacketPipeline(configuration: configuration)
        let reader = try PcapFileReader(path: file)
        let linkType = LinkType(rawValue: reader.linkType)
        let drainEvery = max(self.drainEvery, 1)
        var records = 0
        var sinceDrain = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let packets = try reader.forEachPacket { frame, timestamp, _ in
            pipeline.process(frame: frame, linkType: linkType, timestamp: timestamp)
            sinceDrain += 1
            if sinceDrain >= drainEvery {
                sinceDrain = 0
                records += pipeline.drain().count
            }
        }
        pipeline.finish()
        records += pipeline.drain().count
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let pps = seconds > 0 ? Double(packets) / seconds : 0
        let statistics = pipeline.statistics
        print(
            "packets=\(packets) seconds=\(String(format: "%.4f", seconds)) pps=\(Int(pps)) records=\(records) "
                + "flows=\(statistics.flows.flowsCreated) evicted=\(statistics.flows.flowsEvicted)"
        )
    }
}

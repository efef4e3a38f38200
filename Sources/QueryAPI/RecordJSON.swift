import Foundation
public import FleetModel
public import Storage
public import ZeekLogs

/// The API's JSON encodings. Records are Zeek JSON log lines (field names and values exactly as
/// `fleetctl analyze --format json` writes them) with the shipping agent added as `"agent"` in
/// front; findings and agents are objects with snake_case keys. One object per line.
public enum RecordJSON {
    /// JSON lines for `records`, each `{"agent":"…",<Zeek JSON fields>}`.
    public static func lines<Record: ZeekLogRecord>(_ records: [StoredRecord<Record>]) -> [UInt8] {
        var writer = ZeekLogWriter(schema: Record.zeekSchema, format: .json, openTime: NetworkTime(microseconds: 0))
        var output: [UInt8] = []
        output.reserveCapacity(records.count * 320)
        for stored in records {
            writer.append(stored.record)
            let row = writer.takeBytes()
            output += #"{"agent":"#.utf8
            ZeekJSONText.appendString(stored.agent.rawValue, to: &output)
            // `row` is `{...}\n`; splice its fields after the agent.
            if row.count > 3 {
                output.append(UInt8(ascii: ","))
                output += row.dropFirst()
            } else {
                output += "}\n".utf8
            }
        }
        return output
    }

    /// One JSON line for a finding.
    public static func line(_ finding: Finding) -> [UInt8] {
        FindingJSON.line(finding)
    }

    /// One JSON line for an agent.
    public static func line(_ agent: AgentInfo) -> [UInt8] {
        let object: [String: Any] = [
            "agent": agent.id.rawValue,
            "hostname": agent.hostname,
            "addresses": agent.addresses.map(\.description),
            "vpc_cidrs": agent.vpcCIDRs.map(\.description),
            "version": agent.version,
            "first_seen": agent.firstSeen.seconds,
            "last_seen": agent.lastSeen.seconds,
            "last_sequence": agent.lastSequence,
            "packets": agent.counters.packets,
            "drops": agent.counters.drops,
            "batches": agent.counters.batches,
            "records": agent.counters.records,
            "duplicate_batches": agent.counters.duplicateBatches,
            "missed_batches": agent.counters.missedBatches,
        ]
        return serialize(object)
    }

    private static func serialize(_ object: [String: Any]) -> [UInt8] {
        guard let data = try? JSONSerialization.data(
            withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return [] }
        return [UInt8](data) + [0x0a]
    }
}

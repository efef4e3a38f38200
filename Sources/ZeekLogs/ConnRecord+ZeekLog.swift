public import FleetModel

extension ConnRecord: ZeekLogRecord {
    /// conn.log: Zeek's 22 columns, then Fleetwatch's JSON-only extensions
    /// (`interim`, and Zeek's vlan-logging names `vlan`, `inner_vlan`).
    public static let zeekSchema = ZeekLogSchema(
        path: "conn",
        fields: [ZeekLogSchema.Field("ts", "time"), ZeekLogSchema.Field("uid", "string")]
            + ZeekLogSchema.connIDFields + [
                .init("proto", "enum"), .init("service", "set[string]"), .init("duration", "interval"),
                .init("orig_bytes", "count"), .init("resp_bytes", "count"), .init("conn_state", "string"),
                .init("local_orig", "bool"), .init("local_resp", "bool"), .init("missed_bytes", "count"),
                .init("history", "string"), .init("orig_pkts", "count"), .init("orig_ip_bytes", "count"),
                .init("resp_pkts", "count"), .init("resp_ip_bytes", "count"),
                .init("tunnel_parents", "set[string]"), .init("ip_proto", "count"),
                .init("interim", "bool", jsonOnly: true), .init("vlan", "int", jsonOnly: true),
                .init("inner_vlan", "int", jsonOnly: true),
            ]
    )

    public var zeekValues: [ZeekValue] {
        var values: [ZeekValue] = [.time(ts), .string(uid)]
        values.reserveCapacity(25)
        values += zeekIDValues(id)
        values += [
            .enumName(proto.rawValue), .setOrUnset(service), .optional(duration),
            .optional(originatorBytes), .optional(responderBytes), .string(connState.rawValue),
            .optional(localOriginator), .optional(localResponder), .count(missedBytes),
            // Zeek leaves history unset (`-`) when no flag was recorded.
            history.isEmpty ? .unset : .string(history),
            .count(originatorPackets), .count(originatorIPBytes), .count(responderPackets), .count(responderIPBytes),
            .setOrUnset(tunnelParents), .count(UInt64(ipProto)),
            interim ? .bool(true) : .unset, .optional(vlan), .optional(innerVLAN),
        ]
        return values
    }
}

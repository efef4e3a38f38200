public import FleetModel

extension DNSRecord: ZeekLogRecord {
    /// dns.log: Zeek's 26 columns.
    public static let zeekSchema = ZeekLogSchema(
        path: "dns",
        fields: [ZeekLogSchema.Field("ts", "time"), ZeekLogSchema.Field("uid", "string")]
            + ZeekLogSchema.connIDFields + [
                .init("proto", "enum"), .init("trans_id", "count"), .init("rtt", "interval"),
                .init("query", "string"), .init("qclass", "count"), .init("qclass_name", "string"),
                .init("qtype", "count"), .init("qtype_name", "string"), .init("rcode", "count"),
                .init("rcode_name", "string"), .init("AA", "bool"), .init("TC", "bool"), .init("RD", "bool"),
                .init("RA", "bool"), .init("Z", "count"), .init("answers", "vector[string]"),
                .init("TTLs", "vector[interval]"), .init("rejected", "bool"), .init("opcode", "count"),
                .init("opcode_name", "string"),
            ]
    )

    public var zeekValues: [ZeekValue] {
        var values: [ZeekValue] = [.time(ts), .string(uid)]
        values.reserveCapacity(26)
        values += zeekIDValues(id)
        let netbios = id.responderPort == 137 || id.originatorPort == 137
        values += [
            .enumName(proto.rawValue), .optional(transactionID), .optional(rtt), .optional(query),
            .optional(qclass), qclass.map { .string(ZeekDNSNames.qclass($0)) } ?? .unset,
            .optional(qtype), qtype.map { .string(ZeekDNSNames.qtype($0)) } ?? .unset,
            .optional(rcode), rcode.map { .string(ZeekDNSNames.rcode($0)) } ?? .unset,
            .bool(authoritative), .bool(truncated), .bool(recursionDesired), .bool(recursionAvailable),
            .count(UInt64(z)),
            answers.isEmpty ? .unset : .strings(answers),
            ttls.isEmpty ? .unset : .intervals(ttls.map { .seconds(Int64($0)) }),
            .bool(rejected), .optional(opcode),
            opcode.map { .string(ZeekDNSNames.opcode($0, netbios: netbios)) } ?? .unset,
        ]
        return values
    }
}

public import FleetModel

extension WeirdRecord: ZeekLogRecord {
    /// weird.log: Zeek's 11 columns.
    public static let zeekSchema = ZeekLogSchema(
        path: "weird",
        fields: [ZeekLogSchema.Field("ts", "time"), ZeekLogSchema.Field("uid", "string")]
            + ZeekLogSchema.connIDFields + [
                .init("name", "string"), .init("addl", "string"), .init("notice", "bool"),
                .init("peer", "string"), .init("source", "string"),
            ]
    )

    public var zeekValues: [ZeekValue] {
        var values: [ZeekValue] = [.time(ts), .optional(uid)]
        values.reserveCapacity(11)
        values += zeekIDValues(id)
        values += [.string(name), .optional(addl), .bool(notice), .string(peer), .optional(source)]
        return values
    }
}

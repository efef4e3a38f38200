public import FleetModel

extension SSLRecord: ZeekLogRecord {
    /// ssl.log: Zeek's 18 columns.
    public static let zeekSchema = ZeekLogSchema(
        path: "ssl",
        fields: [ZeekLogSchema.Field("ts", "time"), ZeekLogSchema.Field("uid", "string")]
            + ZeekLogSchema.connIDFields + [
                .init("version", "string"), .init("cipher", "string"), .init("curve", "string"),
                .init("server_name", "string"), .init("resumed", "bool"), .init("last_alert", "string"),
                .init("next_protocol", "string"), .init("established", "bool"), .init("ssl_history", "string"),
                .init("cert_chain_fps", "vector[string]"), .init("client_cert_chain_fps", "vector[string]"),
                .init("sni_matches_cert", "bool"),
            ]
    )

    public var zeekValues: [ZeekValue] {
        var values: [ZeekValue] = [.time(ts), .string(uid)]
        values.reserveCapacity(18)
        values += zeekIDValues(id)
        values += [
            .optional(version), .optional(cipher), .optional(curve), .optional(serverName), .bool(resumed),
            .optional(lastAlert), .optional(nextProtocol), .bool(established), .optional(sslHistory),
            // Certificates are not analysed: fingerprints and the SNI match stay unset.
            .unset, .unset, .unset,
        ]
        return values
    }
}

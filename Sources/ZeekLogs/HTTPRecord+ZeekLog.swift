public import FleetModel

extension HTTPRecord: ZeekLogRecord {
    /// http.log: Zeek's 30 columns, then the Fleetwatch extension `uri_raw`
    /// (written in TSV too: Zeek tools select columns by name).
    public static let zeekSchema = ZeekLogSchema(
        path: "http",
        fields: [ZeekLogSchema.Field("ts", "time"), ZeekLogSchema.Field("uid", "string")]
            + ZeekLogSchema.connIDFields + [
                .init("trans_depth", "count"), .init("method", "string"), .init("host", "string"),
                .init("uri", "string"), .init("referrer", "string"), .init("version", "string"),
                .init("user_agent", "string"), .init("origin", "string"), .init("request_body_len", "count"),
                .init("response_body_len", "count"), .init("status_code", "count"), .init("status_msg", "string"),
                .init("info_code", "count"), .init("info_msg", "string"), .init("tags", "set[enum]"),
                .init("username", "string"), .init("password", "string"), .init("proxied", "set[string]"),
                .init("orig_fuids", "vector[string]"), .init("orig_filenames", "vector[string]"),
                .init("orig_mime_types", "vector[string]"), .init("resp_fuids", "vector[string]"),
                .init("resp_filenames", "vector[string]"), .init("resp_mime_types", "vector[string]"),
                .init("uri_raw", "string"),
            ]
    )

    public var zeekValues: [ZeekValue] {
        var values: [ZeekValue] = [.time(ts), .string(uid)]
        values.reserveCapacity(31)
        values += zeekIDValues(id)
        values += [
            .count(UInt64(transDepth)), .optional(method), .optional(host), .optional(uri), .optional(referrer),
            .optional(version), .optional(userAgent), .optional(origin), .count(requestBodyLength),
            .count(responseBodyLength), .optional(statusCode), .optional(statusMessage), .optional(infoCode),
            .optional(infoMessage),
            // `tags` has a default (empty set) in Zeek, so it prints `(empty)`, never `-`.
            .strings(tags), .optional(username), .optional(password), .setOrUnset(proxied),
            // File analysis is not done: fuids, filenames and MIME types stay unset.
            .unset, .unset, .unset, .unset, .unset, .unset,
            .optional(uriRaw),
        ]
        return values
    }
}

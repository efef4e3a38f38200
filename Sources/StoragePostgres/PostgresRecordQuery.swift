import FleetModel
import PostgresNIO
import Storage

/// Turns a ``RecordQuery`` into one SELECT with bound parameters, with the same meaning as the
/// SQLite backend's: time window, agent, host/CIDR on either side (`inet <<=`), port, proto,
/// service, DNS name suffix (a range on the reversed name, collation "C"), URI substring,
/// minimum duration, sort and limit.
enum PostgresRecordQuery {
    static func select<Table: PostgresRecordTable>(_ table: Table.Type, query: RecordQuery) -> PostgresQuery {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func next() -> String { "$\(binds.count + 1)" }
        if let since = query.since {
            conditions.append("ts >= \(next())::bigint")
            binds.append(since.microseconds)
        }
        if let until = query.until {
            conditions.append("ts < \(next())::bigint")
            binds.append(until.microseconds)
        }
        if let agent = query.agent {
            conditions.append("agent_id = \(next())::text")
            binds.append(agent.rawValue)
        }
        if let host = query.host {
            let network = next()
            conditions.append("(orig_h <<= \(network)::inet OR resp_h <<= \(network)::inet)")
            binds.append(host.description)
        }
        if let port = query.port {
            let value = next()
            conditions.append("(orig_p = \(value)::integer OR resp_p = \(value)::integer)")
            binds.append(Int64(port))
        }
        if let proto = query.proto {
            conditions.append("proto = \(next())::text")
            binds.append(proto.rawValue)
        }
        if let service = query.service {
            conditions.append("\(next())::text = ANY (service)")
            binds.append(service)
        }
        if let minimum = query.minimumDuration {
            conditions.append("duration >= \(next())::bigint")
            binds.append(minimum.microseconds)
        }
        if let suffix = query.dnsQuerySuffix {
            // Reversed names turn "this name or below it" into equality or a prefix range ('/' follows '.').
            let key = DNSName.reversedKey(suffix)
            let equal = next()
            binds.append(key)
            let low = next()
            binds.append(key + ".")
            let high = next()
            binds.append(key + "/")
            conditions.append("(query_rev = \(equal)::text OR (query_rev >= \(low)::text AND query_rev < \(high)::text))")
        }
        if let text = query.httpURISubstring {
            conditions.append("strpos(uri, \(next())::text) > 0")
            binds.append(text)
        }
        var sql = "SELECT \(Table.selectList) FROM \(Table.table)"
        if !conditions.isEmpty {
            sql += " WHERE " + conditions.joined(separator: " AND ")
        }
        switch query.sort {
        case .timeAscending: sql += " ORDER BY ts, id"
        case .timeDescending: sql += " ORDER BY ts DESC, id DESC"
        case .durationDescending: sql += " ORDER BY duration DESC NULLS LAST, ts, id"
        }
        sql += " LIMIT \(next())::bigint"
        binds.append(Int64(query.limit))
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}

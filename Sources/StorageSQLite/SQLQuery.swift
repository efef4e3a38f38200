import FleetModel
import GRDB
import Storage

/// Turns a ``RecordQuery`` into one SELECT with bound arguments. The shape of the SQL depends only
/// on which filters are set, so the prepared statement is cached per shape.
enum SQLQuery {
    static func select(from table: String, kind: RecordKind, query: RecordQuery) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let since = query.since {
            conditions.append("ts >= ?")
            arguments += [since.microseconds]
        }
        if let until = query.until {
            conditions.append("ts < ?")
            arguments += [until.microseconds]
        }
        if let agent = query.agent {
            conditions.append("agent_id = ?")
            arguments += [agent.rawValue]
        }
        if let host = query.host {
            // Family byte + address: a network is one blob range, indexed on each side. One address is
            // an equality, so (orig_h, ts) / (resp_h, ts) serve host and window together: with a range
            // on the address the planner cannot use ts in those indexes and may prefer scanning the
            // window by ts (1.8 s instead of 2 ms for one host's last hour among 10 M conns).
            let low = AddressBlob.encode(host.address)
            let high = AddressBlob.encode(host.lastAddress)
            if low == high {
                conditions.append("(orig_h = ? OR resp_h = ?)")
                arguments += [low, low]
            } else {
                conditions.append("(orig_h BETWEEN ? AND ? OR resp_h BETWEEN ? AND ?)")
                arguments += [low, high, low, high]
            }
        }
        if let port = query.port {
            conditions.append("(orig_p = ? OR resp_p = ?)")
            arguments += [Int64(port), Int64(port)]
        }
        if let proto = query.proto {
            conditions.append("proto = ?")
            arguments += [proto.rawValue]
        }
        if let service = query.service {
            conditions.append("EXISTS (SELECT 1 FROM json_each(\(table).service) WHERE json_each.value = ?)")
            arguments += [service]
        }
        if let minimum = query.minimumDuration {
            conditions.append("duration >= ?")
            arguments += [minimum.microseconds]
        }
        if let suffix = query.dnsQuerySuffix {
            // Reversed names turn "this name or below it" into equality or a prefix range ('/' follows '.').
            let key = DNSName.reversedKey(suffix)
            conditions.append("(query_rev = ? OR (query_rev >= ? AND query_rev < ?))")
            arguments += [key, key + ".", key + "/"]
        }
        if let text = query.httpURISubstring {
            conditions.append("instr(uri, ?) > 0")
            arguments += [text]
        }
        var sql = "SELECT * FROM \(table)"
        if !conditions.isEmpty {
            sql += " WHERE " + conditions.joined(separator: " AND ")
        }
        switch query.sort {
        case .timeAscending: sql += " ORDER BY ts, id"
        case .timeDescending: sql += " ORDER BY ts DESC, id DESC"
        case .durationDescending: sql += " ORDER BY duration DESC NULLS LAST, ts, id"
        }
        sql += " LIMIT ?"
        arguments += [query.limit]
        return (sql, arguments)
    }
}

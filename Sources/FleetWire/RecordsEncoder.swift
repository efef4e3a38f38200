internal import FleetModel
internal import FleetProto
internal import Foundation

/// Turns a ``RecordBatch`` into `fleet.v1.Records`: per-batch string, address,
/// list and uid tables plus one set of parallel columns per record type.
///
/// Runs the column encoding twice: the first pass counts table uses, so the
/// tables can be ordered most-used-first before the second pass writes indices.
struct RecordsEncoder {
    private(set) var counting = true
    private var strings = FrequencyTable<ExactString>()
    private var addresses = FrequencyTable<IPAddress>()
    private var lists = FrequencyTable<[ExactString]>()
    private var uidIndices: [ExactString: Int] = [:]
    private var uids: [(uid: String, packed: (form: UInt32, word1: UInt64, word2: UInt32)?)] = []

    static func encode(_ batch: RecordBatch) -> Fleet_V1_Records {
        var encoder = RecordsEncoder()
        encoder.encodeAll(batch)
        encoder.strings.freeze()
        encoder.addresses.freeze()
        encoder.lists.freeze()
        encoder.counting = false
        var records = encoder.encodeAll(batch)
        records.uids = encoder.uidTable()
        records.lists = encoder.lists.ordered.map { items in
            var list = Fleet_V1_StringList()
            list.items = items.map { encoder.strings.index(of: $0) + 1 }
            return list
        }
        records.strings = encoder.strings.ordered.map(\.value)
        records.addresses = encoder.addresses.ordered.map(Self.bytes(of:))
        return records
    }

    @discardableResult
    private mutating func encodeAll(_ batch: RecordBatch) -> Fleet_V1_Records {
        var records = Fleet_V1_Records()
        // Conns first so their uids take the first table slots in record order.
        let conns = encodeConns(batch.conns)
        let dns = encodeDNS(batch.dns)
        let http = encodeHTTP(batch.http)
        let ssl = encodeSSL(batch.ssl)
        let weirds = encodeWeirds(batch.weirds)
        if !counting {
            if !batch.conns.isEmpty { records.conns = conns }
            if !batch.dns.isEmpty { records.dns = dns }
            if !batch.http.isEmpty { records.http = http }
            if !batch.ssl.isEmpty { records.ssl = ssl }
            if !batch.weirds.isEmpty { records.weirds = weirds }
        }
        return records
    }

    // MARK: References

    /// str ref: 0 for nil, index + 1 otherwise.
    mutating func string(_ value: String?) -> UInt32 {
        guard let value else { return 0 }
        let key = ExactString(value)
        if counting {
            strings.note(key)
            return 0
        }
        return strings.index(of: key) + 1
    }

    /// addr ref: 0-based index.
    mutating func address(_ value: IPAddress) -> UInt32 {
        if counting {
            addresses.note(value)
            return 0
        }
        return addresses.index(of: value)
    }

    /// list ref: 0 for empty, index + 1 otherwise.
    mutating func list(_ items: [String]) -> UInt32 {
        guard !items.isEmpty else { return 0 }
        let keys = items.map(ExactString.init)
        if counting {
            lists.note(keys)
            for key in keys { strings.note(key) }
            return 0
        }
        return lists.index(of: keys) + 1
    }

    /// 0-based uid table index; uids enter the table in first-use order.
    mutating func uid(_ value: String) -> Int {
        let key = ExactString(value)
        if let index = uidIndices[key] { return index }
        let index = uids.count
        let packed = UIDCodec.pack(value)
        if packed == nil { strings.note(key) }
        uids.append((value, packed))
        uidIndices[key] = index
        return index
    }

    private mutating func uidTable() -> Fleet_V1_UidTable {
        var forms: [UInt32] = [], word1: [UInt64] = [], word2: [UInt32] = [], literal: [UInt32] = []
        forms.reserveCapacity(uids.count)
        word1.reserveCapacity(uids.count)
        word2.reserveCapacity(uids.count)
        for entry in uids {
            if let packed = entry.packed {
                forms.append(packed.form)
                word1.append(packed.word1)
                word2.append(packed.word2)
            } else {
                forms.append(0)
                literal.append(strings.index(of: ExactString(entry.uid)) + 1)
            }
        }
        var table = Fleet_V1_UidTable()
        table.form = forms
        table.word1 = word1
        table.word2 = word2
        table.literal = literal
        return table
    }

    static func bytes(of address: IPAddress) -> Data {
        switch address {
        case .v4(let value):
            return withUnsafeBytes(of: value.bigEndian) { Data($0) }
        case .v6(let high, let low):
            var data = Data(capacity: 16)
            withUnsafeBytes(of: high.bigEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: low.bigEndian) { data.append(contentsOf: $0) }
            return data
        }
    }

    static func protoCode(_ proto: TransportProtocol) -> UInt32 {
        switch proto {
        case .tcp: return 0
        case .udp: return 1
        case .icmp: return 2
        case .unknown: return 3
        }
    }

    static func triState(_ value: Bool?) -> UInt32 {
        switch value {
        case .none: return 0
        case .some(false): return 1
        case .some(true): return 2
        }
    }
}

/// Mapping helpers both directions share.
enum WireMapping {
    static let transports: [TransportProtocol] = [.tcp, .udp, .icmp, .unknown]
    static let connStates: [ConnState] = ConnState.allCases

    /// IP protocol number implied by `proto` and the address family, if any.
    static func defaultIPProto(_ proto: TransportProtocol, isIPv4: Bool) -> UInt8? {
        switch proto {
        case .tcp: return 6
        case .udp: return 17
        case .icmp: return isIPv4 ? 1 : 58
        case .unknown: return nil
        }
    }

    /// IP plus transport header bytes per packet, for predicting ip_bytes.
    static func headerSize(_ proto: TransportProtocol, isIPv4: Bool) -> UInt64 {
        let ip: UInt64 = isIPv4 ? 20 : 40
        switch proto {
        case .tcp: return ip + 20
        case .udp, .icmp: return ip + 8
        case .unknown: return ip
        }
    }

    /// Index into the per-batch header-size table: proto code * 2 + (IPv6 ? 1 : 0).
    static func headerKey(_ proto: TransportProtocol, isIPv4: Bool) -> Int {
        Int(RecordsEncoder.protoCode(proto)) * 2 + (isIPv4 ? 0 : 1)
    }

    /// The 8-entry default header-size table (no IP or TCP options).
    static let defaultHeaderSizes: [UInt64] = (0..<8).map { key in
        headerSize(transports[key / 2], isIPv4: key % 2 == 0)
    }

    /// Learns the typical IP + transport header bytes per packet of this batch
    /// (median per transport and family), so ip_bytes residuals stay small whether
    /// the hosts use TCP timestamps or not. Any table gives an exact round trip.
    static func learnHeaderSizes(_ conns: [ConnRecord]) -> [UInt64] {
        var samples = [[UInt64]](repeating: [], count: 8)
        for conn in conns {
            let key = headerKey(conn.proto, isIPv4: conn.id.originatorHost.isIPv4)
            guard samples[key].count < 4_096 else { continue }
            for (ipBytes, payload, packets) in [
                (conn.originatorIPBytes, conn.originatorBytes ?? 0, conn.originatorPackets),
                (conn.responderIPBytes, conn.responderBytes ?? 0, conn.responderPackets),
            ] where packets > 0 && payload <= ipBytes {
                let perPacket = (ipBytes - payload) / packets
                if perPacket <= 0xFFFF { samples[key].append(perPacket) }
            }
        }
        return samples.enumerated().map { key, values in
            guard !values.isEmpty else { return defaultHeaderSizes[key] }
            return values.sorted()[values.count / 2]
        }
    }

    /// Wrapping difference between `ipBytes` and its prediction, as a signed value.
    static func ipBytesResidual(ipBytes: UInt64, payload: UInt64?, packets: UInt64, header: UInt64) -> Int64 {
        Int64(bitPattern: ipBytes &- ((payload ?? 0) &+ packets &* header))
    }

    static func ipBytes(residual: Int64, payload: UInt64?, packets: UInt64, header: UInt64) -> UInt64 {
        UInt64(bitPattern: residual) &+ ((payload ?? 0) &+ packets &* header)
    }
}

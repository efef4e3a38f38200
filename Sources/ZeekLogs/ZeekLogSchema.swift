/// The shape of one Zeek log stream: its `#path`, column names and Zeek types.
public struct ZeekLogSchema: Sendable, Hashable {
    /// One column.
    public struct Field: Sendable, Hashable {
        /// Column name as Zeek spells it (`id.orig_h`).
        public var name: String
        /// Zeek type as printed in `#types` (`time`, `set[string]`).
        public var type: String
        /// Fleetwatch extensions that Zeek does not have: written only in JSON.
        public var jsonOnly: Bool

        public init(_ name: String, _ type: String, jsonOnly: Bool = false) {
            self.name = name
            self.type = type
            self.jsonOnly = jsonOnly
        }
    }

    /// The `#path` value and default file stem (`conn` -> `conn.log`).
    public var path: String
    /// Every column, Zeek's first, in order.
    public var fields: [Field]

    public init(path: String, fields: [Field]) {
        self.path = path
        self.fields = fields
    }

    /// Column names in order (all of them, including JSON-only extensions).
    public var fieldNames: [String] { fields.map(\.name) }

    /// The five columns every connection-keyed log starts with after `ts`/`uid`.
    static let connIDFields: [Field] = [
        Field("id.orig_h", "addr"), Field("id.orig_p", "port"),
        Field("id.resp_h", "addr"), Field("id.resp_p", "port"),
    ]
}

/// A record that can be written as a row of a Zeek log.
public protocol ZeekLogRecord {
    /// The log this record type belongs to.
    static var zeekSchema: ZeekLogSchema { get }
    /// Values in `zeekSchema.fields` order (same count).
    var zeekValues: [ZeekValue] { get }
}

import FleetModel

/// The four `id.*` values of a connection (all unset when there is none).
func zeekIDValues(_ id: ConnID?) -> [ZeekValue] {
    guard let id else { return [.unset, .unset, .unset, .unset] }
    return [.addr(id.originatorHost), .port(id.originatorPort), .addr(id.responderHost), .port(id.responderPort)]
}

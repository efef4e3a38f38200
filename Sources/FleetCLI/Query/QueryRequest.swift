import FleetModel

/// Runs one query: builds the URL, streams the response through a ``QueryPrinter``.
enum QueryRequest {
    /// Epoch seconds with six decimals (`1764396000.000000`).
    static func epochText(_ time: NetworkTime) -> String { time.zeekText }

    /// `value` percent-encoded for a query string (unreserved characters kept).
    static func encode(_ value: String) -> String {
        var text = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                text += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return text
    }

    /// The request path for `kind` with `parameters`.
    static func path(_ kind: QueryKind, _ parameters: [(String, String)]) -> String {
        let query = parameters.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        return "/v1/\(kind.path)" + (query.isEmpty ? "" : "?" + query)
    }

    /// Resolves the server, sends the query and prints the result.
    /// - Returns: how many results were printed.
    /// - Throws: ``FleetctlError``.
    @discardableResult
    static func run(
        kind: QueryKind, parameters: [(String, String)], connection: ConnectionOptions, context: QueryContext
    ) async throws(FleetctlError) -> Int {
        let configuration = try ClientConfiguration.resolve(
            server: connection.server, token: connection.token, environment: context.environment)
        let openTime = context.now()
        var printer = try QueryPrinter(format: connection.output, kind: kind, openTime: openTime)
        let client = APIClient(endpoint: configuration.endpoint, token: configuration.token)
        let emit = context.emit
        do {
            try await client.get(path(kind, parameters)) { line throws(FleetctlError) in
                try printer.line(line, emit: emit)
            }
        } catch let error as FleetctlError {
            throw error
        } catch {
            throw FleetctlError("\(error)")
        }
        printer.finish(closeTime: context.now(), emit: emit)
        return printer.count
    }
}

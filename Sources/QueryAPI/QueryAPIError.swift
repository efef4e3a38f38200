import Foundation
public import Hummingbird

/// A request the API refuses, rendered as a JSON body `{"error": "...", "parameter": "..."}`.
///
/// A struct with a status rather than an enum, so new kinds of refusal need no new cases.
public struct QueryAPIError: Error, Sendable, Hashable, HTTPResponseError {
    /// The HTTP status sent.
    public let status: HTTPResponse.Status
    /// One-line explanation.
    public let message: String
    /// The query parameter at fault, when there is one.
    public let parameter: String?

    /// A 400 naming the parameter at fault.
    public static func badParameter(_ parameter: String, _ message: String) -> QueryAPIError {
        QueryAPIError(status: .badRequest, message: message, parameter: parameter)
    }

    /// A 400 not tied to one parameter.
    public static func badRequest(_ message: String) -> QueryAPIError {
        QueryAPIError(status: .badRequest, message: message, parameter: nil)
    }

    /// A 401 (missing or wrong bearer token).
    public static let unauthorized = QueryAPIError(
        status: .unauthorized, message: "missing or wrong bearer token", parameter: nil)

    /// Creates an error.
    public init(status: HTTPResponse.Status, message: String, parameter: String? = nil) {
        self.status = status
        self.message = message
        self.parameter = parameter
    }

    /// The JSON body.
    var body: [UInt8] {
        var object: [String: String] = ["error": message]
        if let parameter { object["parameter"] = parameter }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return [UInt8](data) + [0x0a]
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

public import Hummingbird

/// Rejects a request with 401 unless it carries `Authorization: Bearer <token>` with the right token.
///
/// The comparison takes the same time wherever the first difference is, so the token cannot be
/// guessed byte by byte from response times.
public struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let token: [UInt8]

    /// A middleware accepting exactly `token` (must not be empty).
    public init(token: String) {
        precondition(!token.isEmpty, "an empty API token would accept everyone")
        self.token = Array(token.utf8)
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], Self.matches(header, token: token) else {
            throw QueryAPIError.unauthorized
        }
        return try await next(request, context)
    }

    /// True when `header` is `Bearer <token>` (scheme case-insensitive).
    static func matches(_ header: String, token: [UInt8]) -> Bool {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count else { return false }
        for index in 0..<scheme.count where bytes[index] | 0x20 != scheme[index] | 0x20 { return false }
        let given = bytes[scheme.count...]
        var difference = UInt8(given.count == token.count ? 0 : 1)
        for (index, byte) in token.enumerated() {
            let other = index < given.count ? given[given.startIndex + index] : 0
            difference |= byte ^ other
        }
        return difference == 0
    }
}

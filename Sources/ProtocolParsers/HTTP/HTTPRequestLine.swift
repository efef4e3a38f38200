/// A parsed request line: `METHOD SP target SP HTTP/x.y`, or HTTP/0.9 `METHOD SP target`.
///
/// Like Zeek, the target is everything between the method and the whitespace before
/// `HTTP/`, raw spaces included (`CONNECT host:25 / HTTP/1.0`).
public struct HTTPRequestLine: Hashable, Sendable {
    public var method: String
    /// Raw target bytes as on the wire.
    public var uri: [UInt8]
    public var version: String

    /// Longest method accepted (longer first tokens are not HTTP).
    public static let maxMethodLength = 32

    public init?(_ line: [UInt8]) {
        guard let parts = line.withUnsafeBytes({ Self.parts(of: $0) }) else { return nil }
        method = zeekEscapedText(line[parts.method])
        uri = Array(line[parts.uri])
        version = parts.version.map { zeekEscapedText(line[$0]) } ?? "0.9"
    }

    /// Where the method, target and version (after `HTTP/`; nil for HTTP/0.9) lie in `line`,
    /// or nil when it is not a request line.
    static func parts(of line: UnsafeRawBufferPointer) -> (method: Range<Int>, uri: Range<Int>, version: Range<Int>?)? {
        var index = 0
        while index < line.count, Self.isTokenByte(line[index]) { index += 1 }
        // Zeek refuses one-letter methods.
        guard index > 1, index <= Self.maxMethodLength, index < line.count,
              line[index] == 0x20 || line[index] == 0x09
        else { return nil }
        let method = 0..<index
        while index < line.count, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
        let uriStart = index
        // First "HTTP/" preceded by whitespace.
        var versionStart: Int? = nil
        var scan = max(uriStart, 1)
        while scan + 5 <= line.count {
            if line[scan - 1] == 0x20 || line[scan - 1] == 0x09, line[scan] == 0x48, line[scan + 1] == 0x54,
               line[scan + 2] == 0x54, line[scan + 3] == 0x50, line[scan + 4] == 0x2f {
                versionStart = scan
                break
            }
            scan += 1
        }
        if let start = versionStart {
            var uriEnd = start
            while uriEnd > uriStart, line[uriEnd - 1] == 0x20 || line[uriEnd - 1] == 0x09 { uriEnd -= 1 }
            var versionEnd = line.count
            while versionEnd > start + 5, line[versionEnd - 1] == 0x20 || line[versionEnd - 1] == 0x09 { versionEnd -= 1 }
            return (method, uriStart..<uriEnd, (start + 5)..<versionEnd)
        }
        var uriEnd = line.count
        while uriEnd > uriStart, line[uriEnd - 1] == 0x20 || line[uriEnd - 1] == 0x09 { uriEnd -= 1 }
        guard uriEnd > uriStart else { return nil }  // "GET " without a target
        return (method, uriStart..<uriEnd, nil)
    }

    /// Bytes a method may contain (RFC 9110 token characters).
    public static func isMethodByte(_ byte: UInt8) -> Bool { isTokenByte(byte) }

    /// RFC 9110 token characters.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5a, 0x61...0x7a: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2a, 0x2b, 0x2d, 0x2e, 0x5e, 0x5f, 0x60, 0x7c, 0x7e: return true
        default: return false
        }
    }
}

/// What `unescapeURI` noticed (Zeek raises these as weirds).
public enum URIUnescapeIssue: String, Hashable, Sendable {
    case illegalPercentAtEnd = "illegal_%_at_end_of_URI"
    case partialEscapeAtEnd = "partial_escape_at_end_of_URI"
    case unescapedPercent = "unescaped_%_in_URI"
}

/// Zeek's `unescape_URI` (src/analyzer/protocol/http/HTTP.cc): `%XX` becomes the byte,
/// `%uXXXX` becomes two bytes, and invalid escapes are kept as written.
/// - Returns: the unescaped bytes and the first issue noticed, if any.
public func unescapeURI(_ raw: some Collection<UInt8>) -> (bytes: [UInt8], issue: URIUnescapeIssue?) {
    raw.withContiguousStorageIfAvailable { unescapeURI(contiguous: $0) }
        ?? Array(raw).withUnsafeBufferPointer { unescapeURI(contiguous: $0) }
}

private func unescapeURI(contiguous input: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], issue: URIUnescapeIssue?) {
    var output: [UInt8] = []
    output.reserveCapacity(input.count)
    var issue: URIUnescapeIssue? = nil
    var i = 0
    let end = input.count
    while i < end {
        let byte = input[i]
        guard byte == 0x25 else {
            output.append(byte)
            i += 1
            continue
        }
        i += 1
        if i == end {
            output.append(0x25)
            issue = issue ?? .illegalPercentAtEnd
            break
        }
        if i + 1 == end {
            output.append(0x25)
            output.append(input[i])
            issue = issue ?? .partialEscapeAtEnd
            break
        }
        if let high = hexValue(input[i]), let low = hexValue(input[i + 1]) {
            output.append(high << 4 | low)
            i += 2
        } else if end - i >= 5, input[i] == 0x75, let a = hexValue(input[i + 1]), let b = hexValue(input[i + 2]),
                  let c = hexValue(input[i + 3]), let d = hexValue(input[i + 4]) {
            output.append(a << 4 | b)
            output.append(c << 4 | d)
            i += 5
        } else {
            issue = issue ?? .unescapedPercent
            output.append(0x25)
            output.append(input[i])
            i += 1
        }
    }
    return (output, issue)
}

@inline(__always)
func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: return byte - 0x30
    case 0x41...0x46: return byte - 0x37
    case 0x61...0x66: return byte - 0x57
    default: return nil
    }
}

/// http.log's `uri` for a raw request target: `unescapeURI`, then `zeekEscapedText`.
public func zeekEscapedUnescapedURI(_ raw: UnsafeBufferPointer<UInt8>) -> String {
    zeekEscapedText(unescapeURI(raw).bytes)
}

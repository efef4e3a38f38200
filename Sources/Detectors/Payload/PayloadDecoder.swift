/// Undoes the encodings attackers use to smuggle shell commands through URLs.
///
/// - Percent-decoding (`%XX`, IIS-style `%uXXXX`), repeated until stable (double/triple encoding),
///   at most ``maxRounds`` rounds; `+` is a space in the query part on the first round only.
/// - Shell evasion: `${IFS}`, `$IFS$9`, `$IFS`, tabs and runs of spaces become one space.
/// - Inline base64 (`echo BLOB | base64 -d`, `base64 --decode <<< BLOB`): the decoded text is appended on a
///   new line so the matcher also sees it.
/// Input is bounded (``maxInputLength``); malformed escapes stay literal. Never traps.
public enum PayloadDecoder {
    public static let maxRounds = 4
    public static let maxInputLength = 16 * 1024

    /// What decoding did besides producing text; each flag is evidence of evasion.
    public struct Steps: Sendable, Hashable {
        public var percentRounds = 0
        public var unicodeEscapes = false
        public var ifsEvasion = false
        public var base64Blobs = 0
        public init() {}
    }

    /// Fully decodes a request target (raw or Zeek-decoded form).
    public static func decode(uri: String) -> (text: String, steps: Steps) {
        let (bytes, steps) = percentDecoded(uri: uri)
        return finish(bytes, steps: steps)
    }

    /// The percent-decoding stage alone (bounded, byte level): cheap enough to pre-filter every URI.
    public static func percentDecoded(uri: String) -> (bytes: [UInt8], steps: Steps) {
        var steps = Steps()
        var bytes = Array(uri.utf8.prefix(maxInputLength))
        let query = bytes.firstIndex(of: UInt8(ascii: "?"))
        for round in 0..<maxRounds {
            let (next, changed, unicode) = percentDecode(bytes, plusAsSpaceFrom: round == 0 ? query : nil)
            if unicode { steps.unicodeEscapes = true }
            bytes = next
            if !changed { break }
            steps.percentRounds += 1
        }
        return (bytes, steps)
    }

    /// The shell-normalisation and base64 stages, after ``percentDecoded(uri:)``.
    public static func finish(_ bytes: [UInt8], steps: Steps) -> (text: String, steps: Steps) {
        var steps = steps
        var text = String(decoding: bytes, as: UTF8.self)
        text = normalizeShell(text, steps: &steps)
        text = expandBase64(text, steps: &steps)
        return (text, steps)
    }

    /// One round of percent-decoding. `plusAsSpaceFrom`: index from which `+` means space (the query).
    static func percentDecode(_ input: [UInt8], plusAsSpaceFrom: Int?) -> ([UInt8], changed: Bool, unicode: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var changed = false
        var unicode = false
        var i = 0
        while i < input.count {
            let byte = input[i]
            if byte == UInt8(ascii: "%") {
                if i + 2 < input.count, let high = hex(input[i + 1]), let low = hex(input[i + 2]) {
                    output.append(high << 4 | low)
                    i += 3
                    changed = true
                    continue
                }
                if i + 5 < input.count, input[i + 1] | 0x20 == UInt8(ascii: "u"),
                    let a = hex(input[i + 2]), let b = hex(input[i + 3]), let c = hex(input[i + 4]),
                    let d = hex(input[i + 5])
                {
                    let value = UInt32(a) << 12 | UInt32(b) << 8 | UInt32(c) << 4 | UInt32(d)
                    let scalar = Unicode.Scalar(value) ?? "?"
                    output.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i += 6
                    changed = true
                    unicode = true
                    continue
                }
            }
            if byte == UInt8(ascii: "+"), let start = plusAsSpaceFrom, i > start {
                output.append(UInt8(ascii: " "))
                changed = true
            } else {
                output.append(byte)
            }
            i += 1
        }
        return (output, changed, unicode)
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Replaces IFS tricks and tabs by spaces and collapses runs of spaces.
    /// - Parameter shortcut: answer by one byte scan when nothing can change (tests turn it off).
    static func normalizeShell(_ text: String, steps: inout Steps, shortcut: Bool = true) -> String {
        if shortcut && !shellNormalizationMayChange(text) { return text }
        var result = text
        for token in ["${IFS}", "$IFS$9", "${IFS%??}", "$IFS"] where result.firstRange(of: token) != nil {
            steps.ifsEvasion = true
            result = result.replacing(token, with: " ")
        }
        var collapsed = ""
        collapsed.reserveCapacity(result.utf8.count)
        var lastWasSpace = false
        for character in result {
            let isSpace = character == " " || character == "\t"
            if isSpace && lastWasSpace { continue }
            collapsed.append(isSpace ? " " : character)
            lastWasSpace = isSpace
        }
        return collapsed
    }

    /// Every IFS trick starts with `$`; without it, a tab or two adjacent spaces normalisation changes
    /// nothing (the usual case, answered by one byte scan).
    static func shellNormalizationMayChange(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "$") || byte == UInt8(ascii: "\t") || (byte == 0x20 && previous == 0x20) { return true }
            previous = byte
        }
        return false
    }

    /// Finds `echo BLOB | base64 -d` / `base64 -d <<< BLOB` and appends the decoded blobs (one level deep).
    static func expandBase64(_ text: String, steps: inout Steps) -> String {
        guard mentionsBase64(text) else { return text }
        var decodedParts: [String] = []
        let tokens = text.split(whereSeparator: { " |;&<>()`\n".contains($0) })
        for token in tokens {
            var blob = Substring(token)
            while let first = blob.first, first == "'" || first == "\"" { blob = blob.dropFirst() }
            while let last = blob.last, last == "'" || last == "\"" { blob = blob.dropLast() }
            guard blob.count >= 12, let decoded = base64Decode(blob),
                decoded.count >= 4, decoded.allSatisfy({ $0 == 9 || $0 == 10 || $0 == 13 || (32...126).contains($0) })
            else { continue }
            decodedParts.append(String(decoding: decoded, as: UTF8.self))
            if decodedParts.count >= 8 { break }
        }
        guard !decodedParts.isEmpty else { return text }
        steps.base64Blobs = decodedParts.count
        var steps2 = Steps()
        let inner = decodedParts.map { normalizeShell($0, steps: &steps2) }
        if steps2.ifsEvasion { steps.ifsEvasion = true }
        return ([text] + inner).joined(separator: "\n")
    }

    /// Whether the lower-cased text contains "base64" (for ASCII text, answered by bytes).
    static func mentionsBase64(_ text: String) -> Bool {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.lowercased().firstRange(of: "base64") != nil }
        let needle = Array("base64".utf8)
        let bytes = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { start in
            needle.indices.allSatisfy { index in
                let byte = bytes[start + index]
                return (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == needle[index]
            }
        }
    }

    /// Decodes standard or URL-safe base64, padding optional. Nil on any invalid character.
    public static func base64Decode(_ text: some StringProtocol) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            if padding > 0 { return nil }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        return padding > 2 ? nil : output
    }
}

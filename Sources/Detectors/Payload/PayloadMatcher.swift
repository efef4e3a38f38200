public import FleetModel

/// The result of inspecting one URI or header value for command injection.
public struct PayloadMatch: Sendable, Hashable {
    /// The decoded text that was matched.
    public var decoded: String
    /// Technique tags, e.g. `chain:&&`, `dev-tcp`, `interactive-shell`, `python-pty`, `ifs-evasion`.
    public var techniques: [String]
    /// A shell metacharacter followed by a command, after a query parameter value.
    public var chained: Bool
    /// A reverse-shell or download-and-execute idiom.
    public var reverseShell: Bool
    /// Host the payload tells the victim to connect to (IP literal or name), if it names one.
    public var callbackHost: String?
    public var callbackAddress: IPAddress?
    public var callbackPort: UInt16?
    /// 0...1: chain 0.4, idiom 0.45, callback 0.1, evasion 0.05.
    public var score: Double
}

/// Recognises shell command injection and reverse-shell payloads in decoded request targets.
///
/// Rules (on ``PayloadDecoder`` output, case-insensitive):
/// - Chain: in the query (after `?` and after some `=`), one of `;` `&&` `||` `|` `` ` `` `$(` or a newline,
///   followed by a known command word (`sh`, `bash`, `nc`, `curl`, `python3`, `export`, `id`, ...; a path
///   prefix like `/bin/` is ignored). Single `&`, `;` in the path (`;jsessionid=`) and `+` as space never count.
/// - Idioms anywhere: `/dev/tcp/`, `/dev/udp/`, `sh|bash -i` (with a redirect, pipe or chain),
///   `nc|ncat|netcat` with `-e`/`-c`, `mkfifo`,
///   `socat` with `exec:`, python/perl/ruby/php with `socket` and `pty.spawn`/`exec`/`dup2`/`subprocess`,
///   `curl|wget ... | sh`, `base64 -d ... | sh`.
/// - Callback: `/dev/tcp/HOST`, `RHOST=`/`LHOST=`, socat `tcp:HOST`, URL host; else the last IPv4 literal.
///   Port from `/P`, `:P`, `",P`, ` P` right after the host, else `RPORT=`/`LPORT=`/`PORT=`.
public enum PayloadMatcher {
    static let commands: Set<String> = [
        "sh", "bash", "zsh", "dash", "ksh", "csh", "nc", "ncat", "netcat", "socat", "telnet", "python", "python2",
        "python3", "perl", "ruby", "php", "lua", "node", "curl", "wget", "export", "cat", "id", "whoami", "uname",
        "ls", "echo", "ping", "nslookup", "dig", "rm", "chmod", "mkfifo", "base64", "busybox", "sleep", "env",
        "powershell", "cmd", "exec", "eval", "awk", "openssl", "tftp", "ftp", "nohup", "pwd", "ifconfig", "touch",
        "printf", "xterm", "sudo", "su", "kill", "crontab", "exec", "set", "hostname", "ps", "netstat",
    ]
    static let shells: Set<String> = ["sh", "bash", "zsh", "dash", "ksh", "csh"]

    /// Inspects a request target (raw wire form or decoded). Nil when nothing suspicious is found.
    public static func match(uri: String) -> PayloadMatch? { match(text: uri, checkChains: true) }

    /// Inspects a header value (User-Agent, Referer, ...): idioms only, no query chain rule.
    public static func match(header: String) -> PayloadMatch? { match(text: header, checkChains: false) }

    static func match(text raw: String, checkChains: Bool, prefilter: Bool = true) -> PayloadMatch? {
        let (bytes, percentSteps) = PayloadDecoder.percentDecoded(uri: raw)
        guard !prefilter || mayContainPayload(bytes) else { return nil }
        let (decoded, steps) = PayloadDecoder.finish(bytes, steps: percentSteps)
        let lower = decoded.lowercased()
        var techniques: [String] = []
        var chained = false
        if checkChains, let chain = findChain(lower) {
            chained = true
            techniques.append("chain:" + chain)
        }
        let idioms = chained || mayHoldIdiom(lower) ? findIdioms(lower, chained: chained) : []
        techniques += idioms
        if !lower.containsText("() {"), !chained, idioms.isEmpty { return nil }
        if lower.containsText("() {") { techniques.append("shellshock") }
        if steps.ifsEvasion { techniques.append("ifs-evasion") }
        if steps.base64Blobs > 0 { techniques.append("base64") }
        if steps.percentRounds > 1 { techniques.append("multi-encoding") }
        if steps.unicodeEscapes { techniques.append("unicode-escape") }
        let (host, port) = findCallback(decoded)
        var score = (chained ? 0.4 : 0) + (idioms.isEmpty ? 0 : 0.45) + (host != nil ? 0.1 : 0)
        if steps.ifsEvasion || steps.base64Blobs > 0 || steps.percentRounds > 1 || steps.unicodeEscapes {
            score += 0.05
        }
        return PayloadMatch(
            decoded: decoded, techniques: techniques, chained: chained, reverseShell: !idioms.isEmpty,
            callbackHost: host, callbackAddress: host.flatMap { IPAddress($0) }, callbackPort: port,
            score: min(1, score))
    }

    // MARK: Pre-filter

    static let triggerBytes: Set<UInt8> = [
        UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "`"), UInt8(ascii: "$"), UInt8(ascii: "\n"),
        UInt8(ascii: "\r"),
    ]
    static let triggerWords: [[UInt8]] = [
        "&&", ">&", "<&", "/dev/", "() {", "base64", "socket", "exec", "system:", "-e ", "-c ",
    ].map { Array($0.utf8) }

    /// Cheap byte-level test: false means no rule below can match, so most URIs skip the string work.
    static func mayContainPayload(_ bytes: [UInt8]) -> Bool {
        if bytes.contains(where: { triggerBytes.contains($0) }) { return true }
        for word in triggerWords where bytes.count >= word.count {
            let first = word[0]
            var i = 0
            while i + word.count <= bytes.count {
                if bytes[i] == first || bytes[i] | 0x20 == first {
                    var k = 1
                    while k < word.count, bytes[i + k] | 0x20 == word[k] | 0x20 { k += 1 }
                    if k == word.count { return true }
                }
                i += 1
            }
        }
        return false
    }

    // MARK: Chains

    static func findChain(_ lower: String) -> String? {
        guard let question = lower.firstIndex(of: "?") else { return nil }
        let query = lower[lower.index(after: question)...]
        guard let firstEquals = query.firstIndex(of: "=") else { return nil }
        let operators = ["&&", "||", "$(", ";", "|", "`", "\r\n", "\n", "\r"]
        var index = query.index(after: firstEquals)
        while index < query.endIndex {
            let rest = query[index...]
            if let op = operators.first(where: { rest.hasPrefix($0) }) {
                let after = rest.dropFirst(op.count)
                if let word = firstWord(after), commands.contains(word) {
                    return ["\r\n", "\n", "\r"].contains(op) ? "newline" : op
                }
                index = query.index(index, offsetBy: op.count)
            } else {
                index = query.index(after: index)
            }
        }
        return nil
    }

    /// The first word of `text` after spaces/quotes/braces, with any path prefix removed (`/bin/sh` -> `sh`).
    static func firstWord(_ text: Substring) -> String? {
        let trimmed = text.drop { " ({'\"".contains($0) }
        let word = trimmed.prefix { !" ;&|`$()<>'\"\n{}".contains($0) }
        guard !word.isEmpty else { return nil }
        return word.split(separator: "/").last.map(String.init)
    }

    // MARK: Idioms

    /// Text without any of these holds no idiom `findIdioms` finds unless the request is chained
    /// (then `bash -i` needs no redirect): each idiom needs one of them. Most header values (a
    /// browser's User-Agent has `;` and parentheses, which let it past the byte pre-filter) stop here.
    static let idiomWords = ["/dev/", ">&", "0>", "<&", "|", "nc", "netcat", "mkfifo", "socat", "socket"]

    static func mayHoldIdiom(_ lower: String) -> Bool {
        idiomWords.contains { lower.containsUTF8($0) }
    }

    static func tokens(_ lower: String) -> [String] {
        lower.split(whereSeparator: { " \n;&|()`'\",{}".contains($0) }).map { token in
            token.split(separator: "/").last.map(String.init) ?? String(token)
        }
    }

    static func findIdioms(_ lower: String, chained: Bool) -> [String] {
        var found: [String] = []
        if lower.containsText("/dev/tcp/") { found.append("dev-tcp") }
        if lower.containsText("/dev/udp/") { found.append("dev-udp") }
        let words = tokens(lower)
        // `bash -i` alone is a search term; it is an idiom with a redirect, a pipe or after a chain.
        let redirected = chained || [">&", "0>", "<&", "|", "2>&1"].contains { lower.containsText($0) }
        for (i, word) in words.enumerated() where redirected && i + 1 < words.count {
            if shells.contains(word), words[i + 1] == "-i" {
                found.append("interactive-shell")
                break
            }
        }
        if let nc = words.firstIndex(where: { ["nc", "ncat", "netcat"].contains($0) }),
            words[nc...].prefix(8).contains(where: { $0.hasPrefix("-") && ($0.contains("e") || $0.contains("c")) })
        {
            found.append("netcat-exec")
        }
        if words.contains("mkfifo") { found.append("mkfifo") }
        if words.contains("socat"), lower.containsText("exec:") || lower.containsText("system:") { found.append("socat-exec") }
        let interpreters = ["python", "python2", "python3", "perl", "ruby", "php"]
        if let interpreter = words.first(where: { interpreters.contains($0) }), lower.containsText("socket"),
            ["pty.spawn", "exec", "dup2", "subprocess", "popen", "system"].contains(where: { lower.containsText($0) })
        {
            found.append((interpreter.hasPrefix("python") ? "python" : interpreter) + "-socket-shell")
        }
        let pipesToShell = ["|sh", "|bash", "| sh", "| bash", "|/bin/sh", "|/bin/bash", "| /bin/sh", "| /bin/bash"]
            .contains { lower.containsText($0) }
        if pipesToShell, words.contains("curl") || words.contains("wget") { found.append("download-exec") }
        if pipesToShell, lower.containsText("base64 -d") || lower.containsText("base64 --decode") {
            found.append("base64-exec")
        }
        return found
    }

    // MARK: Callback indicator

    static func findCallback(_ text: String) -> (String?, UInt16?) {
        var host: String?
        var port: UInt16?
        // Explicit callback syntax first: /dev/tcp/H/P, RHOST=, socat tcp:H:P, URL host.
        let markers: [([String], String)] = [
            (["/dev/tcp/", "/dev/udp/"], "/ "),
            (["RHOST=", "LHOST=", "rhost=", "lhost="], "\"'; &|"),
            (["tcp-connect:", "tcp4:", "tcp:", "TCP:", "udp:"], ":,'\" "),
            (["http://", "https://"], "/:?'\" |;"),
        ]
        for (names, stop) in markers {
            if let (value, end) = valueAfter(text, markers: names, stop: stop) {
                host = value
                port = portAfter(Array(text[end...].prefix(16)), from: 0)
                break
            }
        }
        // Otherwise the last IPv4 literal (earlier ones tend to be the legitimate parameter value).
        if host == nil {
            let chars = Array(text)
            var i = 0
            while i < chars.count {
                guard chars[i].isASCII, chars[i].isNumber, i == 0 || !(chars[i - 1].isNumber || chars[i - 1] == ".")
                else {
                    i += 1
                    continue
                }
                var j = i
                while j < chars.count, chars[j].isASCII, chars[j].isNumber || chars[j] == "." { j += 1 }
                let candidate = String(chars[i..<j])
                if candidate.filter({ $0 == "." }).count == 3, let address = IPAddress(candidate),
                    address != .v4(0), address != .v4(0x7f00_0001)
                {
                    host = candidate
                    port = portAfter(chars, from: j)
                }
                i = j
            }
        }
        if port == nil {
            for marker in ["RPORT=", "LPORT=", "rport=", "lport=", "PORT="] {
                if let (value, _) = valueAfter(text, markers: [marker], stop: "\"'; &|)"), let parsed = UInt16(value) {
                    port = parsed
                    break
                }
            }
        }
        return (host, port)
    }

    static func portAfter(_ chars: [Character], from start: Int) -> UInt16? {
        var k = start
        // Separators between host and port: `/`, `:`, `"`, `'`, `,`, space (one or two of them).
        var separators = 0
        while k < chars.count, "/: \"',".contains(chars[k]), separators < 3 {
            k += 1
            separators += 1
        }
        guard separators > 0 else { return nil }
        var digits = ""
        while k < chars.count, chars[k].isASCII, chars[k].isNumber, digits.count < 6 {
            digits.append(chars[k])
            k += 1
        }
        return UInt16(digits).flatMap { $0 == 0 ? nil : $0 }
    }

    /// The value after the first marker found, up to a stop character; and where the value ends.
    static func valueAfter(_ text: String, markers: [String], stop: String) -> (String, String.Index)? {
        for marker in markers {
            guard text.containsUTF8(marker), let range = text.firstRange(of: marker) else { continue }
            var value = text[range.upperBound...].drop { $0 == "\"" || $0 == "'" }
            value = value.prefix { !stop.contains($0) && $0 != "\n" }
            if !value.isEmpty { return (String(value), value.endIndex) }
        }
        return nil
    }
}

extension String {
    /// `contains(needle)`, answered by a UTF-8 byte scan when the bytes are absent (the common case:
    /// the matcher asks ~30 of these per suspicious request, and String Processing's generic search
    /// cost several times as much). A byte match is confirmed by `contains` itself, which compares
    /// characters (a needle followed by a combining mark is not a match there), so the answer is
    /// always `contains`'s. (Only for ASCII needles: a non-ASCII one may match a canonically
    /// equivalent spelling with other bytes, so it goes to `contains` directly.)
    func containsText(_ needle: String) -> Bool {
        guard needle.utf8.allSatisfy({ $0 < 0x80 }) else { return contains(needle) }
        return containsUTF8(needle) && contains(needle)
    }

    /// Whether `needle`'s UTF-8 bytes occur in the string's.
    func containsUTF8(_ needle: String) -> Bool {
        var haystack = self
        var needle = needle
        return haystack.withUTF8 { text in
            needle.withUTF8 { pattern in
                guard let first = pattern.first else { return true }
                guard text.count >= pattern.count else { return false }
                var start = 0
                let last = text.count - pattern.count
                while start <= last {
                    if text[start] == first {
                        var k = 1
                        while k < pattern.count && text[start + k] == pattern[k] { k += 1 }
                        if k == pattern.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }
}

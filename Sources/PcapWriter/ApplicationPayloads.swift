/// HTTP/1.1 messages as bytes.
public enum HTTPPayload {
    /// A request; `Host` comes first, then `headers`, then `Content-Length` when there is a body.
    public static func request(
        method: String = "GET", uri: String, host: String, headers: [(String, String)] = [],
        body: [UInt8] = [], version: String = "1.1"
    ) -> [UInt8] {
        var text = "\(method) \(uri) HTTP/\(version)\r\nHost: \(host)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty { text += "Content-Length: \(body.count)\r\n" }
        text += "\r\n"
        var bytes: [UInt8] = []
        bytes.append(utf8: text)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// A response with `Content-Length` set to the body's size.
    public static func response(
        status: Int = 200, reason: String = "OK", headers: [(String, String)] = [], body: [UInt8] = [],
        version: String = "1.1"
    ) -> [UInt8] {
        var text = "HTTP/\(version) \(status) \(reason)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(body.count)\r\n\r\n"
        var bytes: [UInt8] = []
        bytes.append(utf8: text)
        bytes.append(contentsOf: body)
        return bytes
    }
}

/// TLS records as bytes: a ClientHello carrying SNI, a ServerHello, opaque records.
public enum TLSPayload {
    /// A TLS 1.2-framed ClientHello record with server_name, supported_versions (1.3, 1.2),
    /// supported_groups, signature_algorithms and ALPN extensions.
    ///
    /// - Parameters:
    ///   - serverName: the SNI host name.
    ///   - random: 32 bytes (padded or cut to 32).
    ///   - sessionID: 0–32 bytes.
    public static func clientHello(
        serverName: String, random: [UInt8] = Array(repeating: 0x11, count: 32), sessionID: [UInt8] = [],
        cipherSuites: [UInt16] = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030], alpn: [String] = ["h2", "http/1.1"]
    ) -> [UInt8] {
        var body: [UInt8] = [0x03, 0x03]
        body.append(contentsOf: fixed(random, 32))
        let session = Array(sessionID.prefix(32))
        body.append(UInt8(session.count))
        body.append(contentsOf: session)
        body.appendBigEndian(UInt16(truncatingIfNeeded: cipherSuites.count * 2))
        for suite in cipherSuites { body.appendBigEndian(suite) }
        body.append(contentsOf: [1, 0])  // compression: null

        var extensions: [UInt8] = []
        // server_name
        let host = Array(serverName.utf8)
        var sni: [UInt8] = []
        sni.appendBigEndian(UInt16(truncatingIfNeeded: host.count + 3))
        sni.append(0)
        sni.appendBigEndian(UInt16(truncatingIfNeeded: host.count))
        sni.append(contentsOf: host)
        appendExtension(0x0000, sni, to: &extensions)
        // supported_groups: x25519, secp256r1
        appendExtension(0x000a, [0, 4, 0x00, 0x1d, 0x00, 0x17], to: &extensions)
        // signature_algorithms
        appendExtension(0x000d, [0, 6, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01], to: &extensions)
        // ALPN
        if !alpn.isEmpty {
            var list: [UInt8] = []
            for protocolName in alpn {
                let utf8 = Array(protocolName.utf8.prefix(255))
                list.append(UInt8(utf8.count))
                list.append(contentsOf: utf8)
            }
            var data: [UInt8] = []
            data.appendBigEndian(UInt16(truncatingIfNeeded: list.count))
            data.append(contentsOf: list)
            appendExtension(0x0010, data, to: &extensions)
        }
        // supported_versions: TLS 1.3, 1.2
        appendExtension(0x002b, [4, 0x03, 0x04, 0x03, 0x03], to: &extensions)
        body.appendBigEndian(UInt16(truncatingIfNeeded: extensions.count))
        body.append(contentsOf: extensions)
        return handshakeRecord(type: 1, body: body, recordVersion: 0x0301)
    }

    /// A ServerHello record (TLS 1.2 framing) choosing `cipherSuite`; with
    /// `tls13` it carries supported_versions = TLS 1.3.
    public static func serverHello(
        random: [UInt8] = Array(repeating: 0x22, count: 32), sessionID: [UInt8] = [], cipherSuite: UInt16 = 0xc02f,
        tls13: Bool = false
    ) -> [UInt8] {
        var body: [UInt8] = [0x03, 0x03]
        body.append(contentsOf: fixed(random, 32))
        let session = Array(sessionID.prefix(32))
        body.append(UInt8(session.count))
        body.append(contentsOf: session)
        body.appendBigEndian(cipherSuite)
        body.append(0)
        var extensions: [UInt8] = []
        if tls13 { appendExtension(0x002b, [0x03, 0x04], to: &extensions) }
        appendExtension(0xff01, [0], to: &extensions)  // renegotiation_info
        body.appendBigEndian(UInt16(truncatingIfNeeded: extensions.count))
        body.append(contentsOf: extensions)
        return handshakeRecord(type: 2, body: body, recordVersion: 0x0303)
    }

    /// ChangeCipherSpec record.
    public static let changeCipherSpec: [UInt8] = [0x14, 0x03, 0x03, 0x00, 0x01, 0x01]

    /// A record of `contentType` (23 application data, 22 handshake) with `length`
    /// opaque bytes derived from `seed`.
    public static func opaqueRecord(contentType: UInt8 = 23, length: Int, seed: UInt8 = 0) -> [UInt8] {
        let length = min(max(length, 0), 16_384 + 256)
        var bytes: [UInt8] = [contentType, 0x03, 0x03]
        bytes.appendBigEndian(UInt16(truncatingIfNeeded: length))
        var value = seed
        for _ in 0..<length {
            value = value &* 37 &+ 11
            bytes.append(value)
        }
        return bytes
    }

    static func handshakeRecord(type: UInt8, body: [UInt8], recordVersion: UInt16) -> [UInt8] {
        var handshake: [UInt8] = [type]
        handshake.append(UInt8(truncatingIfNeeded: body.count >> 16))
        handshake.appendBigEndian(UInt16(truncatingIfNeeded: body.count))
        handshake.append(contentsOf: body)
        var record: [UInt8] = [0x16]
        record.appendBigEndian(recordVersion)
        record.appendBigEndian(UInt16(truncatingIfNeeded: handshake.count))
        record.append(contentsOf: handshake)
        return record
    }

    static func appendExtension(_ type: UInt16, _ data: [UInt8], to bytes: inout [UInt8]) {
        bytes.appendBigEndian(type)
        bytes.appendBigEndian(UInt16(truncatingIfNeeded: data.count))
        bytes.append(contentsOf: data)
    }

    static func fixed(_ bytes: [UInt8], _ count: Int) -> [UInt8] {
        Array((bytes + Array(repeating: 0, count: count)).prefix(count))
    }
}

/// The fields of a ClientHello that Fleetwatch logs.
public struct TLSClientHello: Hashable, Sendable {
    public var version: UInt16
    public var sessionID: [UInt8]
    public var cipherSuites: [UInt16]
    /// First `host_name` of the server_name extension, in Zeek escaped text form.
    public var serverName: String?
    /// supported_versions extension, when present.
    public var supportedVersions: [UInt16]

    /// Parses a ClientHello body (after the 4-byte handshake header).
    /// - Parameter dtls: DTLS ClientHellos carry a cookie after the session id.
    public static func parse(_ body: UnsafeRawBufferPointer, dtls: Bool) throws(TLSParseError) -> TLSClientHello {
        var c = ByteCursor(body)
        guard let version = c.u16(), c.skip(32), let sessionLength = c.u8(), let session = c.take(Int(sessionLength))
        else { throw .truncated(offset: c.offset, field: "client_hello") }
        if dtls {
            guard let cookieLength = c.u8(), c.skip(Int(cookieLength)) else { throw .truncated(offset: c.offset, field: "cookie") }
        }
        guard let suitesLength = c.u16(), let suites = c.take(Int(suitesLength)),
              let compressionLength = c.u8(), c.skip(Int(compressionLength))
        else { throw .truncated(offset: c.offset, field: "cipher_suites") }
        var hello = TLSClientHello(
            version: version, sessionID: Array(session), cipherSuites: [], serverName: nil, supportedVersions: [])
        var s = ByteCursor(suites)
        while let suite = s.u16(), hello.cipherSuites.count < 512 { hello.cipherSuites.append(suite) }
        try TLSExtensions.walk(&c) { type, data throws(TLSParseError) in
            var e = ByteCursor(data)
            switch type {
            case 0:
                guard hello.serverName == nil, let listLength = e.u16(), let list = e.take(Int(listLength)) else { return }
                var l = ByteCursor(list)
                while let nameType = l.u8(), let nameLength = l.u16(), let name = l.take(Int(nameLength)) {
                    if nameType == 0 {
                        hello.serverName = zeekEscapedText(name)
                        break
                    }
                }
            case 43:
                guard let listLength = e.u8(), let list = e.take(Int(listLength)) else { return }
                var l = ByteCursor(list)
                while let v = l.u16(), hello.supportedVersions.count < 64 { hello.supportedVersions.append(v) }
            default:
                break
            }
        }
        return hello
    }
}

/// The fields of a ServerHello that Fleetwatch logs.
public struct TLSServerHello: Hashable, Sendable {
    /// The legacy version field.
    public var version: UInt16
    public var sessionID: [UInt8]
    public var cipherSuite: UInt16
    /// supported_versions selection (TLS 1.3), when present.
    public var selectedVersion: UInt16?
    /// key_share group (TLS 1.3), when present.
    public var keyShareGroup: UInt16?

    /// The version Zeek logs: the supported_versions selection if present, else the legacy field.
    public var negotiatedVersion: UInt16 { selectedVersion ?? version }

    /// Parses a ServerHello body (after the 4-byte handshake header).
    public static func parse(_ body: UnsafeRawBufferPointer) throws(TLSParseError) -> TLSServerHello {
        var c = ByteCursor(body)
        guard let version = c.u16(), c.skip(32) else { throw .truncated(offset: c.offset, field: "server_hello") }
        // TLS 1.3 drafts before 22 had no session id / compression in ServerHello.
        let draft = version / 0xFF == 0x7F
        var session: [UInt8] = []
        if !draft {
            guard let sessionLength = c.u8(), let bytes = c.take(Int(sessionLength))
            else { throw .truncated(offset: c.offset, field: "session_id") }
            session = Array(bytes)
        }
        guard let suite = c.u16() else { throw .truncated(offset: c.offset, field: "cipher_suite") }
        if !draft {
            guard c.skip(1) else { throw .truncated(offset: c.offset, field: "compression") }
        }
        var hello = TLSServerHello(
            version: version, sessionID: session, cipherSuite: suite, selectedVersion: nil, keyShareGroup: nil)
        try TLSExtensions.walk(&c) { type, data throws(TLSParseError) in
            var e = ByteCursor(data)
            switch type {
            case 43: hello.selectedVersion = e.u16()
            case 51, 40: hello.keyShareGroup = e.u16()
            default: break
            }
        }
        return hello
    }
}

enum TLSExtensions {
    /// Calls `body` for each extension; a missing extension block is fine, a torn one is an error.
    static func walk(
        _ c: inout ByteCursor, _ body: (UInt16, UnsafeRawBufferPointer) throws(TLSParseError) -> Void
    ) throws(TLSParseError) {
        guard c.remaining >= 2 else { return }
        guard let total = c.u16(), let block = c.take(Int(total)) else {
            throw .truncated(offset: c.offset, field: "extensions")
        }
        var e = ByteCursor(block)
        var count = 0
        while e.remaining > 0, count < 256 {
            guard let type = e.u16(), let length = e.u16(), let data = e.take(Int(length)) else {
                throw .truncated(offset: e.offset, field: "extension")
            }
            try body(type, data)
            count += 1
        }
    }
}

/// Why a TLS/DTLS structure could not be parsed.
public enum TLSParseError: Error, Hashable, Sendable {
    case truncated(offset: Int, field: String)
    /// The bytes are not a TLS/DTLS record (bad content type, version or length).
    case notTLS
}

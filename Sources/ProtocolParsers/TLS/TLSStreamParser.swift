/// Record-layer and handshake parser for one direction of a TLS stream (TCP) or of
/// a DTLS flow (UDP datagrams).
///
/// TLS: feed in-order stream bytes in any split. DTLS: feed whole datagrams.
/// Buffers are bounded: one record (at most `maxRecordLength`) and up to
/// `maxHandshakeBuffer` bytes of a handshake message; larger messages (big
/// certificate chains) are skipped without being buffered.
public struct TLSStreamParser: Sendable {
    public static let maxRecordLength = 16384 + 2048
    public static let maxHandshakeBuffer = 32 * 1024

    public let isDTLS: Bool
    public private(set) var failed: TLSParseError? = nil
    /// True after this side sent ChangeCipherSpec: later handshake records are encrypted.
    public private(set) var encrypted = false
    private var recordBuffer: [UInt8] = []
    private var handshakeBuffer: [UInt8] = []
    /// Bytes of an oversized handshake message still to skip.
    private var skipHandshake = 0
    public private(set) var recordsSeen = 0
    /// Body bytes of the current record still to pass over without buffering (application
    /// data, heartbeats, encrypted handshakes: nothing in them is parsed).
    private var bodyToSkip = 0
    private var skippedType: UInt8 = 0

    public init(isDTLS: Bool) {
        self.isDTLS = isDTLS
    }

    /// Parses more bytes (TLS) or one datagram (DTLS), appending events.
    public mutating func feed(_ data: UnsafeRawBufferPointer, events: inout [TLSEvent]) {
        guard failed == nil else { return }
        if isDTLS {
            var c = ByteCursor(data)
            while c.remaining > 0, failed == nil {
                guard let type = c.u8(), let major = c.u8(), c.skip(1), let epoch = c.u16(), c.skip(6),
                      let length = c.u16(), let body = c.take(Int(length))
                else {
                    if recordsSeen == 0 { failed = .notTLS }
                    return
                }
                guard major == 0xfe || major == 0x03, (20...26).contains(type) else {
                    failed = .notTLS
                    return
                }
                recordsSeen += 1
                if epoch > 0 { encrypted = true }
                handleRecord(type: type, body: body, events: &events)
            }
            return
        }
        var index = 0
        while index < data.count, failed == nil {
            if bodyToSkip > 0 {
                let take = min(bodyToSkip, data.count - index)
                bodyToSkip -= take
                index += take
                if bodyToSkip == 0 {
                    recordsSeen += 1
                    handleRecord(type: skippedType, body: UnsafeRawBufferPointer(start: nil, count: 0), events: &events)
                    recordBuffer.removeAll(keepingCapacity: true)
                }
                continue
            }
            // A whole record in `data` with nothing buffered (the usual case) is handled where it
            // lies; the buffered path below makes the same checks on the same header.
            if recordBuffer.isEmpty, data.count - index >= 5 {
                let type = data[index]
                let length = Int(data[index + 3]) << 8 | Int(data[index + 4])
                guard acceptsRecordHeader(type: type, major: data[index + 1], minor: data[index + 2], length: length) else {
                    failed = .notTLS
                    return
                }
                if skipsBody(type: type, length: length) {
                    index += 5
                    bodyToSkip = length
                    skippedType = type
                    continue
                }
                if data.count - index - 5 >= length {
                    recordsSeen += 1
                    handleRecord(type: type, body: UnsafeRawBufferPointer(rebasing: data[(index + 5)..<(index + 5 + length)]), events: &events)
                    index += 5 + length
                    continue
                }
            }
            // Header first, then the declared body.
            let need: Int
            if recordBuffer.count < 5 {
                need = 5 - recordBuffer.count
            } else {
                let length = Int(recordBuffer[3]) << 8 | Int(recordBuffer[4])
                need = 5 + length - recordBuffer.count
            }
            let take = min(need, data.count - index)
            recordBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[index..<(index + take)]))
            index += take
            if recordBuffer.count == 5 {
                let type = recordBuffer[0]
                let length = Int(recordBuffer[3]) << 8 | Int(recordBuffer[4])
                guard acceptsRecordHeader(type: type, major: recordBuffer[1], minor: recordBuffer[2], length: length) else {
                    failed = .notTLS
                    return
                }
                if skipsBody(type: type, length: length) {
                    bodyToSkip = length
                    skippedType = type
                    continue
                }
            }
            if recordBuffer.count >= 5 {
                let length = Int(recordBuffer[3]) << 8 | Int(recordBuffer[4])
                if recordBuffer.count == 5 + length {
                    let type = recordBuffer[0]
                    recordsSeen += 1
                    recordBuffer.withUnsafeBytes { raw in
                        handleRecord(type: type, body: UnsafeRawBufferPointer(rebasing: raw[5...]), events: &events)
                    }
                    recordBuffer.removeAll(keepingCapacity: true)
                }
            }
        }
    }

    /// A record header this parser follows: a TLS content type, version 3.x (at most 3.4 on the
    /// first record), a length within the limit.
    @inline(__always)
    private func acceptsRecordHeader(type: UInt8, major: UInt8, minor: UInt8, length: Int) -> Bool {
        (20...26).contains(type) && major == 3 && (minor <= 4 || recordsSeen > 0) && length <= Self.maxRecordLength
    }

    /// Records whose body is passed over unread: application data, heartbeats, and handshake
    /// records once the handshake is encrypted.
    @inline(__always)
    private func skipsBody(type: UInt8, length: Int) -> Bool {
        length > 0 && (type == 23 || type == 24 || (type == 22 && encrypted))
    }

    private mutating func handleRecord(type: UInt8, body: UnsafeRawBufferPointer, events: inout [TLSEvent]) {
        switch type {
        case 20:
            events.append(.changeCipherSpec)
            encrypted = true
        case 21:
            if !encrypted, body.count == 2 { events.append(.alert(level: body[0], description: body[1])) }
        case 22:
            if encrypted { return }
            if isDTLS { handleDTLSHandshake(body, events: &events) } else { appendHandshake(body, events: &events) }
        case 23:
            events.append(.applicationData)
        case 24:
            events.append(.heartbeat)
        default:
            break
        }
    }

    private mutating func appendHandshake(_ body: UnsafeRawBufferPointer, events: inout [TLSEvent]) {
        var bytes = body[...]
        while !bytes.isEmpty {
            if skipHandshake > 0 {
                let drop = min(skipHandshake, bytes.count)
                skipHandshake -= drop
                bytes = bytes.dropFirst(drop)
                continue
            }
            // A whole message in the record with nothing buffered is handled where it lies.
            if handshakeBuffer.isEmpty, bytes.count >= 4 {
                let start = bytes.startIndex
                let length = Int(bytes[start + 1]) << 16 | Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
                if length + 4 <= Self.maxHandshakeBuffer, bytes.count >= 4 + length {
                    handleHandshake(
                        type: bytes[start], body: UnsafeRawBufferPointer(rebasing: bytes[(start + 4)..<(start + 4 + length)]),
                        events: &events)
                    bytes = bytes.dropFirst(4 + length)
                    continue
                }
            }
            if handshakeBuffer.count < 4 {
                let take = min(4 - handshakeBuffer.count, bytes.count)
                handshakeBuffer.append(contentsOf: bytes.prefix(take))
                bytes = bytes.dropFirst(take)
                if handshakeBuffer.count < 4 { return }
                let length = Int(handshakeBuffer[1]) << 16 | Int(handshakeBuffer[2]) << 8 | Int(handshakeBuffer[3])
                if length + 4 > Self.maxHandshakeBuffer {
                    // Too big to keep (certificates): note it and skip its body.
                    events.append(.handshake(type: handshakeBuffer[0]))
                    skipHandshake = length
                    handshakeBuffer.removeAll(keepingCapacity: true)
                    continue
                }
            }
            let length = Int(handshakeBuffer[1]) << 16 | Int(handshakeBuffer[2]) << 8 | Int(handshakeBuffer[3])
            let take = min(4 + length - handshakeBuffer.count, bytes.count)
            handshakeBuffer.append(contentsOf: bytes.prefix(take))
            bytes = bytes.dropFirst(take)
            if handshakeBuffer.count == 4 + length {
                let type = handshakeBuffer[0]
                handshakeBuffer.withUnsafeBytes { raw in
                    handleHandshake(type: type, body: UnsafeRawBufferPointer(rebasing: raw[4...]), events: &events)
                }
                handshakeBuffer.removeAll(keepingCapacity: true)
            }
        }
    }

    private mutating func handleDTLSHandshake(_ body: UnsafeRawBufferPointer, events: inout [TLSEvent]) {
        var c = ByteCursor(body)
        while c.remaining > 0 {
            guard let type = c.u8(), let length = c.u24(), c.skip(2), let fragmentOffset = c.u24(),
                  let fragmentLength = c.u24(), let fragment = c.take(Int(fragmentLength))
            else { return }
            if fragmentOffset == 0 {
                if fragmentLength == length {
                    handleHandshake(type: type, body: fragment, events: &events)
                } else {
                    events.append(.handshake(type: type))
                    // The named curve sits at the start of a ServerKeyExchange.
                    var c = ByteCursor(fragment)
                    if type == 12, c.u8() == 3, let curve = c.u16() { events.append(.serverKeyExchangeCurve(curve)) }
                }
            }
        }
    }

    private mutating func handleHandshake(type: UInt8, body: UnsafeRawBufferPointer, events: inout [TLSEvent]) {
        events.append(.handshake(type: type))
        switch type {
        case 1:
            if let hello = try? TLSClientHello.parse(body, dtls: isDTLS) { events.append(.clientHello(hello)) }
        case 2:
            if let hello = try? TLSServerHello.parse(body) { events.append(.serverHello(hello)) }
        case 12:
            var c = ByteCursor(body)
            if c.u8() == 3, let curve = c.u16() { events.append(.serverKeyExchangeCurve(curve)) }
        default:
            break
        }
    }
}

import FleetModel
import FleetWire
import Foundation
import NIOCore
import Testing

/// Receiving limits: zlib bombs, record counts, forged column counts.
@Suite struct LimitTests {
    /// Peak resident memory of this process (VmHWM), in bytes; nil off Linux.
    static func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    @Test func zlibBombIsStoppedAtTheLimitWithoutInflatingIt() throws {
        // 2 M matches: a 3.3 MB stream that inflates to 516 MB.
        let bomb = TestBytes.zlibBomb(matches: 2_000_000)
        #expect(bomb.count < 4 << 20)
        let codec = WireCodec(limits: WireLimits(maxFrameBytes: 8 << 20, maxInflatedBytes: 4 << 20))
        let before = Self.peakResidentBytes()
        let frame = WireFrame(type: .compressedEnvelope, body: ByteBuffer(bytes: bomb))
        #expect(throws: WireCodecError.inflatedTooLarge) { try codec.decode(frame) }
        if let before, let after = Self.peakResidentBytes() {
            #expect(after - before < 200 << 20, "peak memory grew by \(after - before) bytes")
        }
    }

    @Test func zlibBombBuilderMakesAValidStream() throws {
        // The same construction, small enough to inflate: proves the bomb above is a real zlib stream
        // (rejected for its size, not for corruption). 10 matches inflate to 2,581 zero bytes.
        let small = TestBytes.zlibBomb(matches: 10)
        let frame = WireFrame(type: .compressedEnvelope, body: ByteBuffer(bytes: small))
        let codec = WireCodec(limits: WireLimits(maxInflatedBytes: 2_580))
        #expect(throws: WireCodecError.inflatedTooLarge) { try codec.decode(frame) }
        // 2,581 zeros are not a valid Envelope, but they inflate fine at the exact limit.
        let exact = WireCodec(limits: WireLimits(maxInflatedBytes: 2_581))
        #expect(throws: WireCodecError.malformedMessage) { try exact.decode(frame) }
    }

    @Test func trailingGarbageAfterZlibStreamIsRejected() throws {
        let frame = WireFrame(type: .compressedEnvelope, body: ByteBuffer(bytes: TestBytes.zlibBomb(matches: 1) + [0]))
        #expect(throws: WireCodecError.corruptCompression) { try WireCodec().decode(frame) }
    }

    @Test func plainBodyOverTheInflatedLimitIsRejected() throws {
        let message = WireMessage.batch(RoundTripTests.batch(WireFixtures.edgeBatch()))
        let frame = try WireCodec(compressionThreshold: .max).encode(message)
        let codec = WireCodec(limits: WireLimits(maxInflatedBytes: frame.body.readableBytes - 1))
        #expect(throws: WireCodecError.inflatedTooLarge) { try codec.decode(frame) }
    }

    @Test func tooManyRecordsIsRejected() throws {
        let records = WireFixtures.edgeBatch()
        let message = WireMessage.batch(RoundTripTests.batch(records))
        let frame = try WireCodec().encode(message)
        let tight = WireCodec(limits: WireLimits(maxRecordsPerBatch: records.count - 1))
        #expect(throws: WireCodecError.tooManyRecords) { try tight.decode(frame) }
        let exact = WireCodec(limits: WireLimits(maxRecordsPerBatch: records.count))
        #expect(try exact.decode(frame) == message)
    }

    @Test func forgedRecordCountIsRejectedBeforeDecoding() throws {
        let forged = TestBytes.envelope(connColumns: TestBytes.field(1, varint: 4_000_000_000))
        let frame = WireFrame(type: .envelope, body: ByteBuffer(bytes: forged))
        #expect(throws: WireCodecError.tooManyRecords) { try WireCodec().decode(frame) }
    }

    @Test func columnsShorterThanTheCountAreRejected() throws {
        let forged = TestBytes.envelope(connColumns: TestBytes.field(1, varint: 5))
        let frame = WireFrame(type: .envelope, body: ByteBuffer(bytes: forged))
        #expect(throws: WireCodecError.invalidRecords) { try WireCodec().decode(frame) }
    }

    @Test func emptyEnvelopeIsRejected() throws {
        let frame = WireFrame(type: .envelope, body: ByteBuffer())
        #expect(throws: WireCodecError.emptyEnvelope) { try WireCodec().decode(frame) }
    }

    @Test func errorsCarryMessages() throws {
        var bytes = TestBytes.frame(type: 9, body: [])
        do {
            _ = try WireFrameDecoder().readFrame(from: &bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "unknown frame type 9")
            #expect(error == .unknownFrameType)
            #expect(error != .frameTooLarge)
            #expect(error.wireError == WireError(code: .malformed, message: "unknown frame type 9"))
        }
        #expect(WireCodecError.tooManyRecords.wireError.code == .limitExceeded)
        #expect(WireCodecError.inflatedTooLarge.wireError.code == .limitExceeded)
        #expect(WireCodecError.frameTooLarge.wireError.code == .limitExceeded)
    }
}

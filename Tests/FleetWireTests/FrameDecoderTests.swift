import FleetModel
import FleetTesting
import FleetWire
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

/// Framing: drip-feeding, truncation at every offset, oversized and unknown frames, garbage.
@Suite struct FrameDecoderTests {
    static func sampleMessages() -> [WireMessage] {
        var small = RecordBatch()
        small.weirds = [WeirdRecord(ts: NetworkTime(microseconds: 1), name: "x")]
        return [
            .hello(WireHello(agentID: "a", token: "t", hostname: "h", agentVersion: "1")),
            .batch(RoundTripTests.batch(WireFixtures.edgeBatch(), sequence: 1)),
            .batch(RoundTripTests.batch(small, sequence: 2)),
            .ack(WireAck(agentID: "a", sequence: 2, status: .ok)),
            .error(WireError(code: .malformed, message: "nope")),
        ]
    }

    static func frameBytes(_ message: WireMessage) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try WireCodec().write(message, to: &buffer)
        return buffer
    }

    @Test func frameDecoderPassesTheVerifier() throws {
        let frames = [
            WireFrame(type: .envelope, body: ByteBuffer()),
            WireFrame(type: .envelope, body: ByteBuffer(bytes: [1, 2, 3])),
            WireFrame(type: .compressedEnvelope, body: ByteBuffer(bytes: Array(repeating: 0xAB, count: 300))),
        ]
        let pairs = try frames.map { frame -> (ByteBuffer, [WireFrame]) in
            var bytes = ByteBuffer()
            try WireFrameEncoder.write(frame, to: &bytes)
            return (bytes, [frame])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { WireFrameDecoder() }
    }

    @Test func messageDecoderPassesTheVerifier() throws {
        let pairs = try Self.sampleMessages().map { (try Self.frameBytes($0), [$0]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { WireMessageDecoder() }
    }

    @Test func dripFedStreamThroughEncoderAndDecoderHandlers() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WireMessageDecoder()))
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(WireMessageEncoder()))
        var stream = ByteBuffer()
        for message in Self.sampleMessages() {
            try channel.writeOutbound(message)
            while var written = try channel.readOutbound(as: ByteBuffer.self) { stream.writeBuffer(&written) }
        }
        while let byte = stream.readSlice(length: 1) {
            try channel.writeInbound(byte)
        }
        var received: [WireMessage] = []
        while let message = try channel.readInbound(as: WireMessage.self) { received.append(message) }
        #expect(received == Self.sampleMessages())
        #expect(try channel.finish().isClean)
    }

    @Test func truncationAtEveryOffsetIsATruncatedFrame() throws {
        var stream = ByteBuffer()
        for message in Self.sampleMessages().prefix(3) {
            var bytes = try Self.frameBytes(message)
            stream.writeBuffer(&bytes)
        }
        let total = stream.readableBytes
        // Frame boundaries are clean cuts.
        var boundaries: Set<Int> = [0]
        var offset = 0
        for message in Self.sampleMessages().prefix(3) {
            offset += try Self.frameBytes(message).readableBytes
            boundaries.insert(offset)
        }
        for cut in 0..<total {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(WireMessageDecoder()))
            if let prefix = stream.getSlice(at: 0, length: cut) { try channel.writeInbound(prefix) }
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            if boundaries.contains(cut) {
                #expect(throws: Never.self) { try channel.throwIfErrorCaught() }
            } else {
                #expect(throws: WireCodecError.truncatedFrame) { try channel.throwIfErrorCaught() }
            }
            _ = try? channel.finish()
        }
    }

    @Test func oversizedFrameIsRejectedFromItsHeader() throws {
        let decoder = WireFrameDecoder(limits: WireLimits(maxFrameBytes: 1_000))
        var header = ByteBuffer()
        header.writeInteger(UInt32(1_001), endianness: .big)
        header.writeInteger(UInt8(1))
        #expect(throws: WireCodecError.frameTooLarge) { try decoder.readFrame(from: &header) }
        var huge = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x02])
        #expect(throws: WireCodecError.frameTooLarge) { try WireFrameDecoder().readFrame(from: &huge) }
        // At the limit it just waits for the body.
        var atLimit = ByteBuffer()
        atLimit.writeInteger(UInt32(1_000), endianness: .big)
        atLimit.writeInteger(UInt8(1))
        #expect(try decoder.readFrame(from: &atLimit) == nil)
    }

    @Test func unknownFrameTypeIsRejected() throws {
        for type: UInt8 in [0, 3, 0xFF] {
            var bytes = TestBytes.frame(type: type, body: [1, 2])
            #expect(throws: WireCodecError.unknownFrameType) { try WireFrameDecoder().readFrame(from: &bytes) }
        }
    }

    @Test func garbageStreamsFailWithTypedErrorsOnly() throws {
        var random = MixRandom(seed: 7)
        for round in 0..<300 {
            let length = Int(random.next() % 200)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if round % 2 == 0, bytes.count > 5 {
                // A plausible header so the body is parsed.
                let bodyLength = UInt32(bytes.count - 5)
                bytes[0] = 0; bytes[1] = 0
                bytes[2] = UInt8(bodyLength >> 8); bytes[3] = UInt8(bodyLength & 0xFF)
                bytes[4] = UInt8(1 + round % 4 / 2)
            }
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(WireMessageDecoder()))
            do {
                try channel.writeInbound(ByteBuffer(bytes: bytes))
                channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
                try channel.throwIfErrorCaught()
            } catch let error as WireCodecError {
                #expect(!error.message.isEmpty)
            } catch {
                Issue.record("unexpected error \(error)")
            }
            _ = try? channel.finish()
        }
    }

    @Test func mutatedBodiesNeverCrash() throws {
        let message = WireMessage.batch(RoundTripTests.batch(WireFixtures.edgeBatch()))
        let plain = WireCodec(compressionThreshold: .max)
        let body = Array(try plain.encode(message).body.readableBytesView)
        var random = MixRandom(seed: 99)
        var failures = 0
        for _ in 0..<2_000 {
            var mutated = body
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let index = Int(random.next() % UInt64(mutated.count))
                mutated[index] = UInt8(truncatingIfNeeded: random.next())
            }
            let frame = WireFrame(type: .envelope, body: ByteBuffer(bytes: mutated))
            do {
                _ = try plain.decode(frame)
            } catch {
                failures += 1
            }
        }
        #expect(failures > 100)
    }

    @Test func truncatedBodiesAreRejected() throws {
        let message = WireMessage.batch(RoundTripTests.batch(WireFixtures.edgeBatch()))
        for codec in [WireCodec(compressionThreshold: 0), WireCodec(compressionThreshold: .max)] {
            let frame = try codec.encode(message)
            for cut in 0..<frame.body.readableBytes {
                let truncated = WireFrame(type: frame.type, body: frame.body.getSlice(at: frame.body.readerIndex, length: cut) ?? ByteBuffer())
                #expect(throws: WireCodecError.self) { try codec.decode(truncated) }
            }
        }
    }
}

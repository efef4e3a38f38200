import FleetModel
import Testing
@testable import ProtocolParsers

/// `DNSMessageOutline` must accept and reject exactly what `DNSMessage.parse` does and decode
/// the same texts on demand.
@Suite struct DNSMessageOutlineTests {
    static func parse(_ bytes: [UInt8]) -> Result<DNSMessage, DNSParseError> {
        bytes.withUnsafeBytes { raw in Result { () throws(DNSParseError) in try DNSMessage.parse(raw) } }
    }

    static func scan(_ bytes: [UInt8]) -> Result<DNSMessageOutline, DNSParseError> {
        bytes.withUnsafeBytes { raw in Result { () throws(DNSParseError) in try DNSMessageOutline.scan(raw) } }
    }

    /// Every prefix and every single-byte corruption of real messages: the same error, or
    /// success for both with the same header, first question and answers.
    @Test func agreesWithParseOnPrefixesAndCorruptions() {
        for sample in [DNSSamples.txtQuery, DNSSamples.cmuQuery, DNSSamples.cmuReply] {
            var variants: [[UInt8]] = (0...sample.count).map { Array(sample[0..<$0]) }
            for index in sample.indices {
                for value: UInt8 in [0x00, 0x3f, 0xc0, 0xff] {
                    var corrupt = sample
                    corrupt[index] = value
                    variants.append(corrupt)
                }
            }
            for bytes in variants {
                switch (Self.parse(bytes), Self.scan(bytes)) {
                case (.failure(let expected), .failure(let got)):
                    #expect(got == expected)
                case (.success(let message), .success(let outline)):
                    expectSame(message, outline, bytes)
                case (let parsed, let scanned):
                    Issue.record("parse \(parsed) but scan \(scanned) for \(bytes)")
                }
            }
        }
    }

    @Test func decodesOnlyWhatIsAskedFor() throws {
        let bytes = DNSSamples.cmuReply
        let outline = try #require(try? Self.scan(bytes).get())
        bytes.withUnsafeBytes { raw in
            var answers = outline.answers(in: raw)
            guard let first = answers.next() else {
                Issue.record("no answer")
                return
            }
            let bare = DNSMessageOutline.record(first, in: raw, ownerName: false)
            #expect(bare?.name == "")
            #expect(bare?.zeekAnswerText == "www-cmu.andrew.cmu.edu")
            #expect(DNSMessageOutline.name(at: first.nameOffset, in: raw) == "www.cmu.edu")
            #expect(DNSMessageOutline.name(at: raw.count, in: raw) == nil)
        }
    }

    private func expectSame(_ message: DNSMessage, _ outline: DNSMessageOutline, _ bytes: [UInt8]) {
        #expect(outline.header == message.header)
        bytes.withUnsafeBytes { raw in
            let question = outline.firstQuestion.flatMap { location in
                DNSMessageOutline.name(at: location.nameOffset, in: raw).map {
                    DNSQuestion(name: $0, type: location.type, qclass: location.qclass)
                }
            }
            #expect(question == message.questions.first)
            var answers: [DNSResourceRecord] = []
            var iterator = outline.answers(in: raw)
            while let location = iterator.next() {
                if let record = DNSMessageOutline.record(location, in: raw, ownerName: true) { answers.append(record) }
                #expect(
                    DNSMessageOutline.answerText(location, in: raw)
                        == DNSMessageOutline.record(location, in: raw, ownerName: location.type == 47)?.zeekAnswerText)
            }
            #expect(answers == message.answers)
        }
    }
}

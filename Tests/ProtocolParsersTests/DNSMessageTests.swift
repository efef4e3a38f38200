import FleetModel
import Testing
@testable import ProtocolParsers

/// Real messages taken from the Zeek conformance traces.
enum DNSSamples {
    /// dns-txt-multiple: TXT query for flkr._domainkey.flickr.com.
    static let txtQuery = hexBytes("6daf0100000100000000000004666c6b720a5f646f6d61696e6b657906666c69636b7203636f6d0000100001")
    /// dns-two-responses: query for www.cmu.edu with EDNS.
    static let cmuQuery = hexBytes("5294001000010000000000010377777703636d750365647500000100010000291000000080000000")
    /// dns-two-responses: reply with an upper-case CNAME chain and an RRSIG.
    static let cmuReply = hexBytes("""
        5294841000010004000200040377777703636d75036564750000010001c00c00050001000151800011075757572d434d5506414e4452\
        4557c010c00c002e000100015180009b0005070300015180515cb25b5135187a1b2303636d7503656475006b741ab2616a3f33b02d97\
        c41edb5fc04bde32780687bdcf24b8208dae7550e35b164428fba91d0c72e757a70dcb38924d702d04a5919b673d05065e2406b93b99\
        cb4ad945c46d550a28edbcc1cbe6db31c7b8650a6428acfab46fc5987db561a714893a1003e464f1550d3e3c344c093a3475efddd7d5\
        d2176c6203350a2eaac0290005000100000005000c095757572d434d552d32c031c0ed0001000100005460000480020aa3c031000200\
        0100015180000e074e534155544831034e4554c058c0310002000100015180000a074e534155544832c11dc11500010001000151800004\
        80020108c115001c00010001518000102607fb28000000000000000000000004c12f0001000100015180000480ed94a8000029100000\
        0080000000
        """)
}

@Suite struct DNSMessageTests {
    @Test func parsesQueryHeaderAndQuestion() throws {
        let message = try DNSSamples.txtQuery.withUnsafeBytes { try DNSMessage.parse($0) }
        #expect(message.header.id == 0x6daf)
        #expect(!message.header.isResponse)
        #expect(message.header.recursionDesired)
        #expect(message.header.opcode == 0)
        #expect(message.questions == [DNSQuestion(name: "flkr._domainkey.flickr.com", type: 16, qclass: 1)])
    }

    @Test func parsesReplyAnswersAsZeekPrintsThem() throws {
        let message = try DNSSamples.cmuReply.withUnsafeBytes { try DNSMessage.parse($0) }
        #expect(message.header.isResponse)
        #expect(message.header.authoritative)
        #expect(message.answers.map(\.zeekAnswerText) == [
            "www-cmu.andrew.cmu.edu", "RRSIG 5 cmu.edu", "www-cmu-2.andrew.cmu.edu", "128.2.10.163",
        ])
        #expect(message.answers.map(\.ttl) == [86400, 86400, 5, 21600])
        #expect(message.authorities.count == 2)
        #expect(message.additionals.count == 4)
        #expect(message.additionals.contains { $0.zeekAnswerText == "2607:fb28::4" })
    }

    @Test func truncationAtEveryOffsetThrowsTypedError() {
        for sample in [DNSSamples.txtQuery, DNSSamples.cmuReply] {
            for length in 0..<sample.count {
                let prefix = Array(sample[0..<length])
                let result = prefix.withUnsafeBytes { bytes in Result { () throws(DNSParseError) in try DNSMessage.parse(bytes) } }
                switch result {
                case .success: Issue.record("prefix of \(length) bytes parsed")
                case .failure(let error):
                    if length < 12 { #expect(error == .truncated(offset: length, field: .header)) }
                }
            }
        }
    }

    @Test func compressionLoopsAndBadPointersAreRejected() {
        let header: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]
        let cases: [[UInt8]] = [
            header + [0xc0, 12, 0, 1, 0, 1],  // pointer to itself
            header + [1, 0x61, 0xc0, 12, 0, 1, 0, 1],  // label then pointer back to it
            header + [0xc0, 14, 0, 1, 0, 1, 0, 0],  // forward pointer
            header + [0xc0, 0xff, 0, 1, 0, 1],  // pointer past the end
            header + [0x80, 0, 0, 1, 0, 1],  // reserved label type
        ]
        for bytes in cases {
            let result = bytes.withUnsafeBytes { raw in Result { () throws(DNSParseError) in try DNSMessage.parse(raw) } }
            guard case .failure(let error) = result else {
                Issue.record("accepted \(bytes)")
                continue
            }
            switch error {
            case .badPointer, .compressionLoop, .badLabelType: break
            default: Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func overLongNamesAreRejected() {
        var bytes: [UInt8] = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        for _ in 0..<5 { bytes += [63] + [UInt8](repeating: 0x61, count: 63) }
        bytes += [0, 0, 1, 0, 1]
        let result = bytes.withUnsafeBytes { raw in Result { () throws(DNSParseError) in try DNSMessage.parse(raw) } }
        #expect(throws: DNSParseError.nameTooLong(offset: 12 + 3 * 64)) { try result.get() }
    }

    @Test func txtStringsKeepTheirRawLength() throws {
        // One TXT answer with two strings, the second with a non-printable byte.
        var bytes: [UInt8] = [0, 7, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0]
        bytes += [1, 0x74, 0, 0, 16, 0, 1, 0, 0, 0, 60, 0, 8]
        bytes += [3, 0x61, 0x62, 0x63] + [3, 0x78, 0x01, 0x79]
        let message = try bytes.withUnsafeBytes { try DNSMessage.parse($0) }
        #expect(message.answers.first?.zeekAnswerText == "TXT 3 abc TXT 3 x\\x01y")
    }

    @Test func netbiosNamesDecode() {
        #expect(decodeNetBIOSName("ECFCFHEDDAEDECDDDIDDEEDBEGDEDCAA") == "BRWC0CB383D1F42")
        #expect(decodeNetBIOSName("fhepfcelehfcepfffacacacacacacabn") == "WORKGROUP")
        #expect(decodeNetBIOSName("example.com") == "example.com")
    }

    @Test func nameTablesMatchZeek() {
        #expect(dnsQTypeName(255) == "*")
        #expect(dnsQTypeName(44) == "SSHFP")
        #expect(dnsQTypeName(1234) == "query-1234")
        #expect(dnsRCodeName(3) == "NXDOMAIN")
        #expect(dnsRCodeName(8) == "NXRRSet")
        #expect(dnsQClassName(1) == "C_INTERNET")
        #expect(dnsOpcodeName(5) == "dynamic-update")
        #expect(dnsOpcodeName(0, netbios: true) == "netbios-query")
    }
}

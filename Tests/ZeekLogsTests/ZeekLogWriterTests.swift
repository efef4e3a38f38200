import FleetModel
import Testing
import ZeekLogs

/// Golden text for every log type in Zeek's TSV format.
@Suite("ZeekLogWriter TSV")
struct ZeekLogWriterTests {
    static let open = NetworkTime(seconds: 1_300_475_167, microseconds: 0)
    static let close = NetworkTime(seconds: 1_300_475_200, microseconds: 0)
    static let id = ConnID(
        originatorHost: .v4(0x8D8E_DC76), originatorPort: 40526,
        responderHost: .v4(0x8D8E_0202), responderPort: 53
    )

    static func header(_ path: String, _ fields: String, _ types: String) -> String {
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t\(path)\n"
            + "#open\t2011-03-18-19-06-07\n#fields\t\(fields)\n#types\t\(types)\n"
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func connLog() {
        let record = ConnRecord(
            ts: NetworkTime(seconds: 1_300_475_168, microseconds: 652_003), uid: "CwdpBdopHVY39Y5X6",
            id: ConnID(originatorHost: .v4(0x8D8E_DC76), originatorPort: 35634, responderHost: .v4(0xD050_9802), responderPort: 80),
            proto: .tcp, service: ["http"], duration: NetworkDuration(microseconds: 61_329), originatorBytes: 463,
            responderBytes: 350, connState: .OTH, localOriginator: false, localResponder: false, history: "DdA",
            originatorPackets: 2, originatorIPBytes: 567, responderPackets: 1, responderIPBytes: 402, ipProto: 6,
            interim: true, vlan: 10
        )
        let unsetRecord = ConnRecord(
            ts: NetworkTime(microseconds: 5), uid: "C1", id: Self.id, proto: .udp, connState: .S0, ipProto: 17
        )
        let output = ZeekLogWriter.render([record, unsetRecord], openTime: Self.open, closeTime: Self.close)
        let expected = Self.header(
            "conn",
            "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tip_proto",
            "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tcount"
        )
            + "1300475168.652003\tCwdpBdopHVY39Y5X6\t141.142.220.118\t35634\t208.80.152.2\t80\ttcp\thttp\t0.061329\t463\t350\tOTH\tF\tF\t0\tDdA\t2\t567\t1\t402\t-\t6\n"
            + "0.000005\tC1\t141.142.220.118\t40526\t141.142.2.2\t53\tudp\t-\t-\t-\t-\tS0\t-\t-\t0\t-\t0\t0\t0\t0\t-\t17\n"
            + "#close\t2011-03-18-19-06-40\n"
        #expect(Self.text(output) == expected)
        #expect(ConnRecord.zeekSchema.fields.filter { !$0.jsonOnly }.count == 22)
    }

    @Test func dnsLog() {
        let record = DNSRecord(
            ts: NetworkTime(seconds: 1_300_475_167, microseconds: 96_535), uid: "C37jN32gN3y3AZzyf6", id: Self.id,
            proto: .udp, transactionID: 26096, rtt: NetworkDuration(microseconds: 392), query: "upload.wikimedia.org",
            qclass: 1, qtype: 1, rcode: 0, recursionDesired: true, recursionAvailable: true,
            answers: ["upload.pmtpa.wikimedia.org", "208.80.152.3"], ttls: [124, 2156], opcode: 0
        )
        let unanswered = DNSRecord(
            ts: .zero, uid: "C2", id: Self.id, proto: .udp, transactionID: 7, query: "x.example", qclass: 255,
            qtype: 65000, rcode: 3842, opcode: 5
        )
        let output = Self.text(ZeekLogWriter.render([record, unanswered], openTime: Self.open, closeTime: Self.close))
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines[6] == "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\topcode\topcode_name")
        #expect(lines[7] == "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\tcount\tstring")
        #expect(lines[8] == "1300475167.096535\tC37jN32gN3y3AZzyf6\t141.142.220.118\t40526\t141.142.2.2\t53\tudp\t26096\t0.000392\tupload.wikimedia.org\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\tupload.pmtpa.wikimedia.org,208.80.152.3\t124.000000,2156.000000\tF\t0\tquery")
        #expect(lines[9] == "0.000000\tC2\t141.142.220.118\t40526\t141.142.2.2\t53\tudp\t7\t-\tx.example\t255\tC_ANY\t65000\tquery-65000\t3842\tBADSIG\tF\tF\tF\tF\t0\t-\t-\tF\t5\tdynamic-update")
        #expect(lines.count == 11)
    }

    @Test func httpLog() {
        let record = HTTPRecord(
            ts: .zero, uid: "CH", id: Self.id, transDepth: 1, method: "GET", host: "www.osu.edu", uri: "/a b",
            version: "1.1", userAgent: "curl/7.17.1", requestBodyLength: 0, responseBodyLength: 60731,
            statusCode: 200, statusMessage: "OK", infoCode: 100, infoMessage: "Continue", uriRaw: "/a%20b"
        )
        let lines = Self.text(ZeekLogWriter.render([record], openTime: Self.open, closeTime: Self.close))
            .split(separator: "\n").map(String.init)
        #expect(lines[6].hasSuffix("\tresp_fuids\tresp_filenames\tresp_mime_types\turi_raw"))
        #expect(lines[7].hasPrefix("#types\ttime\tstring\taddr\tport\taddr\tport\tcount\tstring"))
        #expect(lines[8] == "0.000000\tCH\t141.142.220.118\t40526\t141.142.2.2\t53\t1\tGET\twww.osu.edu\t/a b\t-\t1.1\tcurl/7.17.1\t-\t0\t60731\t200\tOK\t100\tContinue\t(empty)\t-\t-\t-\t-\t-\t-\t-\t-\t-\t/a%20b")
    }

    @Test func sslLog() {
        let record = SSLRecord(
            ts: .zero, uid: "CS", id: Self.id, version: "TLSv13", cipher: "TLS_AES_128_GCM_SHA256", curve: "x25519",
            serverName: "example.com", established: true, sslHistory: "Csi"
        )
        let lines = Self.text(ZeekLogWriter.render([record], openTime: Self.open, closeTime: Self.close))
            .split(separator: "\n").map(String.init)
        #expect(lines[6] == "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\tlast_alert\tnext_protocol\testablished\tssl_history\tcert_chain_fps\tclient_cert_chain_fps\tsni_matches_cert")
        #expect(lines[8] == "0.000000\tCS\t141.142.220.118\t40526\t141.142.2.2\t53\tTLSv13\tTLS_AES_128_GCM_SHA256\tx25519\texample.com\tF\t-\t-\tT\tCsi\t-\t-\t-")
    }

    @Test func weirdLog() {
        let packetLevel = WeirdRecord(ts: .zero, name: "ip_hdr_len_zero", source: "IP")
        let connLevel = WeirdRecord(ts: .zero, uid: "CW", id: Self.id, name: "bad_TCP_checksum", addl: "x", notice: true)
        let output = Self.text(ZeekLogWriter.render([packetLevel, connLevel], openTime: Self.open, closeTime: Self.close))
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines[6] == "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tname\taddl\tnotice\tpeer\tsource")
        #expect(lines[7] == "#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tbool\tstring\tstring")
        #expect(lines[8] == "0.000000\t-\t-\t-\t-\t-\tip_hdr_len_zero\t-\tF\tzeek\tIP")
        #expect(lines[9] == "0.000000\tCW\t141.142.220.118\t40526\t141.142.2.2\t53\tbad_TCP_checksum\tx\tT\tzeek\t-")
    }

    @Test func streamingWriterBuffersUntilTaken() {
        var writer = ZeekLogWriter(schema: WeirdRecord.zeekSchema, openTime: .zero)
        let header = writer.takeBytes()
        #expect(Self.text(header).hasSuffix("string\tstring\tbool\tstring\tstring\n"))
        #expect(writer.bufferedByteCount == 0)
        writer.append(WeirdRecord(ts: .zero, name: "a"))
        writer.close(at: .zero)
        writer.close(at: .zero)
        #expect(Self.text(writer.takeBytes()) == "0.000000\t-\t-\t-\t-\t-\ta\t-\tF\tzeek\t-\n#close\t1970-01-01-00-00-00\n")
        #expect(writer.rowCount == 1)
        #expect(writer.isClosed)
    }
}

import FleetModel
import Testing
@testable import FlowTracking

/// The allocation-free structures of the flow tracker against the plain forms they replaced.
@Suite struct InlineStructuresTests {
    /// The inline history keeps every letter, in order, up to the 256-letter cap, with the
    /// responder's letters lower-cased.
    @Test func historyInlineAndSpilled() {
        for length in [0, 1, 15, 16, 17, 40, 255, 256, 300] {
            var history = ConnHistory()
            var expected: [UInt8] = []
            for index in 0..<length {
                let letter = UInt8(ascii: "A") + UInt8(index % 26)
                let originator = index % 3 != 0
                history.add(letter, originator: originator)
                if expected.count < ConnHistory.maximumLength {
                    expected.append(originator ? letter : ConnHistory.lower(letter))
                }
            }
            #expect(history.letters == expected)
            #expect(history.count == expected.count)
            #expect(history.text == String(decoding: expected, as: UTF8.self))
        }
        var flipped = ConnHistory()
        flipped.check(.syn, UInt8(ascii: "S"), originator: true)
        flipped.flip()
        // The originator's SYN is the responder's after the flip: already seen, no letter.
        let seenBefore = flipped.check(.syn, UInt8(ascii: "S"), originator: false)
        #expect(seenBefore)
        #expect(flipped.text == "S^")
    }

    /// The compiled matcher answers as `LocalNetworks.contains` for addresses in, at the edges
    /// of, and outside every default prefix.
    @Test func localNetworkMatcherAgreesWithLocalNetworks() {
        let networks = LocalNetworks.zeekDefault
        let matcher = LocalNetworkMatcher(networks)
        var addresses: [IPAddress] = [.v4(0), .v4(.max), .v6(0, 0), .v6(.max, .max), .v6(0, 1), .v6(0, 0xffff_0a00_0001)]
        for prefix in networks.prefixes {
            addresses.append(prefix.address)
            addresses.append(prefix.lastAddress)
            switch prefix.lastAddress {
            case .v4(let value): addresses.append(.v4(value &+ 1))
            case .v6(let high, let low): addresses.append(.v6(low == .max ? high &+ 1 : high, low &+ 1))
            }
            switch prefix.address {
            case .v4(let value): addresses.append(.v4(value &- 1))
            case .v6(let high, let low): addresses.append(.v6(low == 0 ? high &- 1 : high, low &- 1))
            }
        }
        for address in addresses {
            #expect(matcher.contains(address) == networks.contains(address), "\(address)")
        }
    }

    /// The swapping binary heap the hole-sifting one replaced, as it was.
    struct SwappingHeap {
        var entries: [TimerHeap.Entry] = []

        mutating func push(_ entry: TimerHeap.Entry) {
            entries.append(entry)
            var child = entries.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                if entries[parent].time <= entries[child].time { break }
                entries.swapAt(parent, child)
                child = parent
            }
        }

        mutating func popFirst() -> TimerHeap.Entry? {
            guard let top = entries.first else { return nil }
            let last = entries.removeLast()
            if !entries.isEmpty {
                entries[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var smallest = parent
                    if left < entries.count && entries[left].time < entries[smallest].time { smallest = left }
                    if right < entries.count && entries[right].time < entries[smallest].time { smallest = right }
                    if smallest == parent { break }
                    entries.swapAt(parent, smallest)
                    parent = smallest
                }
            }
            return top
        }
    }

    /// The hole-sifting heap pops exactly what the swapping heap popped, ties included (the
    /// order timers fire in decides the order records are written), pushes and pops mixed.
    @Test func timerHeapPopsAsTheSwappingHeap() {
        var heap = TimerHeap()
        var reference = SwappingHeap()
        var state: UInt64 = 7
        for index in 0..<3000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            if state >> 62 == 0 {
                let got = heap.popFirst()
                let expected = reference.popFirst()
                #expect(got?.slot == expected?.slot && got?.time == expected?.time)
            } else {
                let entry = TimerHeap.Entry(time: Int64(state >> 59), slot: Int32(index), generation: 0)
                heap.push(entry)
                reference.push(entry)
            }
        }
        while let expected = reference.popFirst() {
            let got = heap.popFirst()
            #expect(got?.slot == expected.slot && got?.time == expected.time)
        }
        #expect(heap.isEmpty)
    }

    /// Pending DNS messages: a lone message kept inline behaves as the per-id queues (FIFO per
    /// id, other ids untouched, drain order by first pending id).
    @Test func pendingDNSKeepsQueueSemantics() {
        func item(_ id: UInt16, _ tag: String) -> PendingDNSRecord {
            let connection = ConnID(originatorHost: .v4(1), originatorPort: 1, responderHost: .v4(2), responderPort: 53)
            return PendingDNSRecord(record: DNSRecord(ts: .zero, uid: tag, id: connection, proto: .udp, transactionID: id))
        }
        var output = RecordBatch()
        var pending = PendingDNS()
        #expect(pending.pop(1) == nil)
        pending.push(item(1, "a"), output: &output)
        #expect(pending.pop(2) == nil)
        #expect(pending.pop(1)?.record.uid == "a")
        #expect(pending.pop(1) == nil)
        pending.push(item(7, "b"), output: &output)
        pending.push(item(3, "c"), output: &output)
        pending.push(item(7, "d"), output: &output)
        #expect(pending.pop(7)?.record.uid == "b")
        pending.drain(into: &output)
        #expect(output.dns.map(\.uid) == ["d", "c"])
        #expect(pending.pop(3) == nil)
    }

    /// Request header names match case-insensitively, proxy headers are logged upper-cased.
    @Test func requestHeaderNames() {
        var record = HTTPRecord(
            ts: .zero, uid: "C1",
            id: ConnID(originatorHost: .v4(1), originatorPort: 1, responderHost: .v4(2), responderPort: 80), transDepth: 1)
        func apply(_ name: String, _ value: String) {
            Array(name.utf8).withUnsafeBufferPointer { name in
                Array(value.utf8).withUnsafeBufferPointer { value in
                    HTTPHeaderFields.applyRequestHeader(name: name, value: value, to: &record)
                }
            }
        }
        apply("HoSt", "example.com")
        apply("USER-agent", "curl")
        apply("x-Forwarded-For", "10.0.0.1")
        apply("Hosts", "wrong")
        apply("Accept", "*/*")
        apply("Referer", "http://a/\u{1}")
        apply("Via", "1.1 proxy")
        apply("Authorization", "Basic dXNlcjpwYXNz")
        #expect(record.host == "example.com")
        #expect(record.userAgent == "curl")
        #expect(record.proxied == ["X-FORWARDED-FOR -> 10.0.0.1", "VIA -> 1.1 proxy"])
        #expect(record.referrer == "http://a/\\x01")
        #expect(record.username == "user" && record.password == "pass")
    }
}

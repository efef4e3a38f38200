import FleetModel
import Testing

@testable import ZeekLogs

/// The writer's byte-level numbers and addresses must read exactly as their `String` forms.
@Suite struct ZeekNumberTextTests {
    static func text(_ body: (inout [UInt8]) -> Void) -> String {
        var output: [UInt8] = Array("x".utf8)  // appended after existing bytes, never over them
        body(&output)
        return String(decoding: output.dropFirst(), as: UTF8.self)
    }

    static var samples: [UInt64] {
        var values: [UInt64] = [0, 1, 9, 10, 11, 99, 100, 101, 65_535, 999_999, 1_000_000, UInt64(UInt32.max), UInt64.max, UInt64.max - 1]
        var state: UInt64 = 0x1234_5678_9abc_def1
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(state >> (state % 64))
        }
        return values
    }

    @Test func decimalsAsString() {
        for value in Self.samples {
            #expect(Self.text { ZeekEscaping.appendDecimal(value, to: &$0) } == String(value))
        }
    }

    @Test func sixDecimalsAsString() {
        var values: [Int64] = [0, 1, -1, 999_999, 1_000_000, -1_000_000, 1_300_475_167_096_535, 120_000_000, Int64.max, Int64.min]
        values += Self.samples.map { Int64(bitPattern: $0) }
        for value in values {
            #expect(Self.text { ZeekEscaping.appendSixDecimals(value, to: &$0) } == ZeekEscaping.sixDecimals(value))
        }
    }

    @Test func jsonSecondsTrimZerosToOneDecimal() {
        let cases: [(Int64, String)] = [
            (120_000_000, "120.0"), (1_300_475_167_096_535, "1300475167.096535"), (1, "0.000001"), (0, "0.0"),
            (-1_500_000, "-1.5"), (10_000, "0.01"), (1_764_000_500_059_070, "1764000500.05907"),
        ]
        for (value, expected) in cases {
            #expect(Self.text { ZeekEscaping.appendJSONSeconds(value, to: &$0) } == expected)
        }
    }

    @Test func addressesAsDescription() {
        var addresses: [IPAddress] = [.v4(0), .v4(0xFFFF_FFFF), .v4(0x0A00_0001), .v4(0x7F00_0001), .v6(0, 1), .v6(0x2001_0db8_0000_0000, 0x0000_0000_0000_0001)]
        addresses += Self.samples.map { .v4(UInt32(truncatingIfNeeded: $0)) }
        for address in addresses {
            #expect(Self.text { ZeekEscaping.appendAddress(address, to: &$0) } == address.description)
        }
    }
}

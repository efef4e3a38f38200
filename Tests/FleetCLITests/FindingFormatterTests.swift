import FleetCLI
import FleetModel
import Testing

/// `fleetctl analyze`'s findings table: severity order, the tally line and the row limit.
@Suite("fleetctl analyze: findings table")
struct FindingFormatterTests {
    static func finding(_ key: String, _ severity: Severity, score: Double = 0.5) -> Finding {
        Finding(
            detector: "test", key: key, severity: severity, score: score, agentID: "vm-1", host: .v4(0x0A00_0001),
            firstSeen: NetworkTime(microseconds: 0), lastSeen: NetworkTime(microseconds: 0), summary: "finding \(key)")
    }

    static let mixed = [
        finding("a", .low), finding("b", .high, score: 0.7), finding("c", .medium), finding("d", .high, score: 0.9),
        finding("e", .low),
    ]

    @Test func tallyCountsEachSeverityMostSevereFirst() {
        #expect(FindingFormatter.tally(Self.mixed) == "findings (5: 2 high, 1 medium, 2 low):")
        #expect(FindingFormatter.tally([]) == "findings (0):")
    }

    @Test func everyRowWithoutALimit() {
        let lines = FindingFormatter.table(Self.mixed).split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines[0].hasPrefix("SEVERITY"))
        // Most severe first, the higher score first within a severity.
        #expect(lines[1].hasPrefix("HIGH") && lines[1].hasSuffix("finding d"))
        #expect(lines[2].hasPrefix("HIGH") && lines[2].hasSuffix("finding b"))
        #expect(lines[3].hasPrefix("MEDIUM"))
        #expect(!lines.contains { $0.contains("more") })
    }

    @Test func limitShowsTheMostSevereAndCountsTheRest() {
        let lines = FindingFormatter.table(Self.mixed, limit: 2).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[1].hasSuffix("finding d"))
        #expect(lines[2].hasSuffix("finding b"))
        #expect(lines[3] == "… 3 more (--limit 0 shows every row; -o json prints every finding)")
        // A limit at or past the count shows everything and no tail line.
        #expect(FindingFormatter.table(Self.mixed, limit: 5) == FindingFormatter.table(Self.mixed))
        #expect(FindingFormatter.table([], limit: 3) == "no findings\n")
    }
}

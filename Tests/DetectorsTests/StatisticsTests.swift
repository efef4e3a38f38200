import Detectors
import Testing

@Suite struct StatisticsTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    @Test(arguments: [
        ([1.0, 2, 3, 4, 5], 0.25, 2.0), ([1.0, 2, 3, 4], 0.5, 2.5), ([7.0], 0.9, 7.0), ([3.0, 1, 2], 1.0, 3.0),
        ([1.0, 2, 3, 4], 0.0, 1.0), ([10.0, 20], 0.75, 17.5),
    ])
    func quantile(values: [Double], q: Double, expected: Double) {
        #expect(Self.close(Statistics.quantile(values, q) ?? .nan, expected))
    }

    @Test func quantileOfEmptyIsNil() { #expect(Statistics.quantile([], 0.5) == nil) }

    @Test(arguments: [
        ([1.0, 2, 3, 4, 5], 0.0), ([1.0, 1, 1, 2, 10], 0.0), ([1.0, 9, 10, 10, 10], 0.0), ([5.0, 5, 5, 5], 0.0),
        ([1.0, 2, 3, 10, 20], 0.75), ([1.0, 10, 18, 19, 20], -0.777_777_777_778),
        ([1.0, 2, 4, 8, 16], 0.333_333_333_333), ([], 0.0),
    ])
    func bowley(values: [Double], expected: Double) {
        #expect(Self.close(Statistics.bowleySkewness(values), expected, 1e-6))
    }

    @Test(arguments: [([1.0, 1, 2, 2, 4, 6, 9], 1.0), ([3.0, 3, 3], 0.0), ([1.0, 2, 3, 4, 100], 1.0), ([], 0.0)])
    func mad(values: [Double], expected: Double) {
        #expect(Self.close(Statistics.medianAbsoluteDeviation(values), expected))
    }

    @Test(arguments: [([2.0, 4, 4, 4, 5, 5, 7, 9], 2.0), ([1.0], 0.0), ([1.0, 3], 1.0)])
    func standardDeviation(values: [Double], expected: Double) {
        #expect(Self.close(Statistics.standardDeviation(values), expected))
    }

    @Test(arguments: [("", 0.0), ("aaaa", 0.0), ("ab", 1.0), ("abcd", 2.0), ("aab", 0.918_295_834_054)])
    func entropy(text: String, expected: Double) {
        #expect(Self.close(Statistics.shannonEntropy(text), expected, 1e-9))
    }

    @Test func intervals() {
        #expect(Statistics.intervals([10, 0, 30]) == [10, 20])
        #expect(Statistics.intervals([5]).isEmpty)
    }

    @Test func regularity() {
        #expect(Self.close(Statistics.regularityScore([60, 60, 60, 60]), 1))
        #expect(Statistics.regularityScore([60, 61, 59, 60, 60, 62]) > 0.9)
        #expect(Statistics.regularityScore([3, 400, 17, 90, 1200, 5, 60]) < 0.6)
        #expect(Statistics.regularityScore([1, 2]) == 0)
    }
}

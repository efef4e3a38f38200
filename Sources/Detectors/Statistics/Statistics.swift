/// Pure statistics helpers used by the detectors (RITA-style beacon scoring and entropy).
///
/// All functions are total: empty input gives 0 (or nil where documented), never a trap.
public enum Statistics {
    /// Arithmetic mean; 0 for empty input.
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// Quantile `q` in 0...1 with linear interpolation between closest ranks (type 7, like numpy's default).
    /// Nil for empty input.
    public static func quantile(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let position = min(1, max(0, q)) * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    /// Median; 0 for empty input.
    public static func median(_ values: [Double]) -> Double { quantile(values, 0.5) ?? 0 }

    /// Bowley (quartile) skewness `(Q3 + Q1 - 2 Q2) / (Q3 - Q1)`, in -1...1.
    /// 0 when the input is empty or when Q2 equals Q1 or Q3: the measure is unreliable there and mostly
    /// regular data would read as maximally skewed (RITA applies the same guard).
    public static func bowleySkewness(_ values: [Double]) -> Double {
        guard let q1 = quantile(values, 0.25), let q2 = quantile(values, 0.5), let q3 = quantile(values, 0.75),
            q3 - q1 > 0, q2 != q1, q2 != q3
        else { return 0 }
        return (q3 + q1 - 2 * q2) / (q3 - q1)
    }

    /// Median absolute deviation around the median; 0 for empty input.
    public static func medianAbsoluteDeviation(_ values: [Double]) -> Double {
        let center = median(values)
        return median(values.map { abs($0 - center) })
    }

    /// Population standard deviation; 0 for fewer than two values.
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)).squareRoot()
    }

    /// Differences between consecutive sorted timestamps.
    public static func intervals(_ times: [Double]) -> [Double] {
        let sorted = times.sorted()
        guard sorted.count > 1 else { return [] }
        return (1..<sorted.count).map { sorted[$0] - sorted[$0 - 1] }
    }

    /// Shannon entropy in bits per character of the string's Unicode scalars; 0 for empty text.
    public static func shannonEntropy(_ text: some StringProtocol) -> Double {
        var counts: [Unicode.Scalar: Int] = [:]
        var total = 0
        for scalar in text.unicodeScalars {
            counts[scalar, default: 0] += 1
            total += 1
        }
        guard total > 0 else { return 0 }
        var entropy = 0.0
        for count in counts.values {
            let p = Double(count) / Double(total)
            entropy -= p * log2(p)
        }
        return entropy
    }

    /// Base-2 logarithm without Foundation (series on the mantissa; accurate to ~1e-12 for p in (0, 1]).
    static func log2(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        let exponent = Double(x.exponent)
        let mantissa = x.significand  // in [1, 2)
        // ln(m) = 2 atanh((m-1)/(m+1))
        let y = (mantissa - 1) / (mantissa + 1)
        let y2 = y * y
        var term = y
        var sum = 0.0
        var k = 1.0
        while k < 60 {
            sum += term / k
            term *= y2
            k += 2
        }
        return exponent + 2 * sum / 0.693_147_180_559_945_3
    }

    /// RITA-style regularity score of a sample in 0...1: `((1 - |bowley|) + max(0, 1 - MAD/median)) / 2`.
    /// 1 means perfectly regular (every value equal). 0 for fewer than three values.
    public static func regularityScore(_ values: [Double]) -> Double {
        guard values.count >= 3 else { return 0 }
        let skewScore = 1 - abs(bowleySkewness(values))
        let center = median(values)
        let dispersion =
            center > 0 ? medianAbsoluteDeviation(values) / center : (medianAbsoluteDeviation(values) > 0 ? 1 : 0)
        let madScore = max(0, 1 - dispersion)
        return (skewScore + madScore) / 2
    }
}

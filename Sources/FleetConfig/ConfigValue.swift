/// Parsers for the scalar forms configuration values (and the matching command-line flags) use.
public enum ConfigValue {
    /// `500ms`, `5s`, `2m`, `1h`, or a bare (possibly fractional) number of seconds; nil otherwise.
    public static func duration(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(text.trimmingCharacters(in: " "))
        var scale = 1.0
        for unit in units where number.hasSuffix(unit.suffix) {
            number = number.dropLast(unit.suffix.count)
            scale = unit.seconds
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number), value.isFinite, value >= 0, value * scale <= 1e9 else { return nil }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }

    /// A number of bytes, or one with a `KiB`, `MiB` or `GiB` suffix; nil otherwise.
    public static func byteSize(_ text: String) -> Int? {
        let units: [(suffix: String, shift: Int)] = [("KiB", 10), ("MiB", 20), ("GiB", 30)]
        var number = Substring(text.trimmingCharacters(in: " "))
        var shift = 0
        for unit in units where number.hasSuffix(unit.suffix) {
            number = number.dropLast(unit.suffix.count).trimmingSuffix(" ")
            shift = unit.shift
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(number),
              value <= (Int.max >> shift) else { return nil }
        return value << shift
    }
}

extension StringProtocol {
    func trimmingCharacters(in character: Character) -> Substring {
        var slice = Substring(self)
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return slice
    }

    func trimmingSuffix(_ character: Character) -> Substring {
        var slice = Substring(self)
        while slice.last == character { slice = slice.dropLast() }
        return slice
    }
}

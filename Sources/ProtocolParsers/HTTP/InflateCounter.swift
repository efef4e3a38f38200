/// Counts the bytes a gzip / zlib / raw-deflate stream inflates to, without producing them.
///
/// Zeek's http.log body lengths are the decoded (`Content-Encoding`) sizes. Length
/// matches only need their length, so no 32 KiB window is kept: state is the Huffman
/// tables plus an input remainder shorter than one block header or symbol.
/// Incremental: `feed` any split; a unit that does not fit yet waits for more input.
public struct InflateCounter: Sendable {
    public enum Format: Sendable { case gzip, deflate }

    private enum Phase: Sendable {
        case gzipHeader, zlibHeader, blockHeader, stored(remaining: Int), codes, done, failed
    }

    private var phase: Phase
    private var input: [UInt8] = []
    private var bitPosition = 0
    private var last = false
    private var literals = Huffman.fixedLiterals
    private var distances = Huffman.fixedDistances
    /// Bytes the stream has inflated to so far.
    public private(set) var produced: UInt64 = 0
    public var failed: Bool { if case .failed = phase { return true } else { return false } }

    /// Longest remainder kept while waiting for more input (a dynamic block header fits easily).
    static let maxPending = 4096

    public init(format: Format) {
        phase = format == .gzip ? .gzipHeader : .zlibHeader
    }

    /// Feeds compressed bytes; returns how many inflated bytes they completed.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> Int {
        switch phase {
        case .done, .failed: return 0
        default: break
        }
        let before = produced
        // Drop fully consumed bytes, keep the partial unit.
        let consumed = bitPosition >> 3
        if consumed > 0 {
            input.removeFirst(consumed)
            bitPosition &= 7
        }
        input.append(contentsOf: bytes)
        run()
        if input.count - (bitPosition >> 3) > Self.maxPending, case .codes = phase {
            // Cannot happen for valid input (one symbol is < 6 bytes); treat as corrupt.
            phase = .failed
        }
        return Int(produced - before)
    }

    private struct NeedMore: Error {}
    private struct Corrupt: Error {}

    private mutating func run() {
        while true {
            let checkpoint = bitPosition
            do {
                switch phase {
                case .gzipHeader: try gzipHeader()
                case .zlibHeader: try zlibHeader()
                case .blockHeader: try blockHeader()
                case .stored(let remaining):
                    let available = input.count - (bitPosition >> 3)
                    let take = min(available, remaining)
                    bitPosition += take * 8
                    produced += UInt64(take)
                    if take < remaining {
                        phase = .stored(remaining: remaining - take)
                        return
                    }
                    phase = last ? .done : .blockHeader
                case .codes: try symbol()
                case .done, .failed: return
                }
            } catch is NeedMore {
                bitPosition = checkpoint
                return
            } catch {
                phase = .failed
                return
            }
        }
    }

    // MARK: - Bits

    private mutating func bits(_ count: Int) throws -> Int {
        var value = 0
        for i in 0..<count {
            let byte = bitPosition >> 3
            guard byte < input.count else { throw NeedMore() }
            value |= Int((input[byte] >> UInt8(bitPosition & 7)) & 1) << i
            bitPosition += 1
        }
        return value
    }

    private mutating func byte() throws -> UInt8 {
        UInt8(try bits(8))
    }

    private mutating func decode(_ table: Huffman) throws -> Int {
        var code = 0, first = 0, index = 0
        for length in 1...15 {
            code |= try bits(1)
            let count = Int(table.counts[length])
            if code - count < first { return Int(table.symbols[index + (code - first)]) }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw Corrupt()
    }

    // MARK: - Units

    private mutating func gzipHeader() throws {
        guard try byte() == 0x1f, try byte() == 0x8b, try byte() == 8 else { throw Corrupt() }
        let flags = try byte()
        for _ in 0..<6 { _ = try byte() }
        if flags & 4 != 0 {
            let length = try bits(16)
            guard input.count - (bitPosition >> 3) >= length else { throw NeedMore() }
            bitPosition += length * 8
        }
        if flags & 8 != 0 { while try byte() != 0 {} }
        if flags & 16 != 0 { while try byte() != 0 {} }
        if flags & 2 != 0 { _ = try bits(16) }
        phase = .blockHeader
    }

    private mutating func zlibHeader() throws {
        // "deflate" is zlib-wrapped per the RFC, but raw deflate is common: sniff.
        let cmf = Int(try byte()), flg = Int(try byte())
        if cmf & 0x0f == 8, (cmf << 8 | flg) % 31 == 0 {
            guard flg & 0x20 == 0 else { throw Corrupt() }
        } else {
            bitPosition -= 16
        }
        phase = .blockHeader
    }

    private mutating func blockHeader() throws {
        let final = try bits(1) == 1
        switch try bits(2) {
        case 0:
            bitPosition = (bitPosition + 7) & ~7
            let length = try bits(16), complement = try bits(16)
            guard length == complement ^ 0xffff else { throw Corrupt() }
            last = final
            phase = .stored(remaining: length)
        case 1:
            literals = Huffman.fixedLiterals
            distances = Huffman.fixedDistances
            last = final
            phase = .codes
        case 2:
            try dynamicTables()
            last = final
            phase = .codes
        default:
            throw Corrupt()
        }
    }

    private mutating func dynamicTables() throws {
        let literalCount = try bits(5) + 257, distanceCount = try bits(5) + 1, codeCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw Corrupt() }
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var lengths = [UInt8](repeating: 0, count: 19)
        for i in 0..<codeCount { lengths[order[i]] = UInt8(try bits(3)) }
        guard let lengthCode = Huffman(lengths: lengths) else { throw Corrupt() }
        var all: [UInt8] = []
        all.reserveCapacity(literalCount + distanceCount)
        while all.count < literalCount + distanceCount {
            let symbol = try decode(lengthCode)
            switch symbol {
            case 0...15: all.append(UInt8(symbol))
            case 16:
                guard let previous = all.last else { throw Corrupt() }
                all += [UInt8](repeating: previous, count: 3 + (try bits(2)))
            case 17: all += [UInt8](repeating: 0, count: 3 + (try bits(3)))
            default: all += [UInt8](repeating: 0, count: 11 + (try bits(7)))
            }
        }
        guard all.count == literalCount + distanceCount, all[256] != 0,
              let literalTable = Huffman(lengths: Array(all[0..<literalCount])),
              let distanceTable = Huffman(lengths: Array(all[literalCount...]))
        else { throw Corrupt() }
        literals = literalTable
        distances = distanceTable
    }

    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                            67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                                             5, 5, 5, 5, 0]
    private static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
                                               10, 11, 11, 12, 12, 13, 13]

    private mutating func symbol() throws {
        let symbol = try decode(literals)
        if symbol < 256 {
            produced += 1
        } else if symbol == 256 {
            phase = last ? .done : .blockHeader
        } else {
            let index = symbol - 257
            guard index < 29 else { throw Corrupt() }
            let length = Self.lengthBase[index] + (try bits(Self.lengthExtra[index]))
            let distanceSymbol = try decode(distances)
            guard distanceSymbol < 30 else { throw Corrupt() }
            _ = try bits(Self.distanceExtra[distanceSymbol])
            produced += UInt64(length)
        }
    }
}

/// A canonical Huffman code as counts per length plus symbols in code order (RFC 1951).
struct Huffman: Sendable {
    var counts: [UInt16]
    var symbols: [UInt16]

    init?(lengths: [UInt8]) {
        counts = [UInt16](repeating: 0, count: 16)
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        var left = 1
        for length in 1..<16 {
            left <<= 1
            left -= Int(counts[length])
            if left < 0 { return nil }  // over-subscribed
        }
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 { offsets[length + 1] = offsets[length] + Int(counts[length]) }
        symbols = [UInt16](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length != 0 {
            symbols[offsets[Int(length)]] = UInt16(symbol)
            offsets[Int(length)] += 1
        }
    }

    static let fixedLiterals: Huffman = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        return Huffman(lengths: lengths) ?? Huffman.empty
    }()

    static let fixedDistances: Huffman = Huffman(lengths: [UInt8](repeating: 5, count: 30)) ?? Huffman.empty

    static let empty = Huffman(counts: [UInt16](repeating: 0, count: 16), symbols: [])

    private init(counts: [UInt16], symbols: [UInt16]) {
        self.counts = counts
        self.symbols = symbols
    }
}

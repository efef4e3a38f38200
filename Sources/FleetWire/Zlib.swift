internal import CZlib

/// One-shot zlib (RFC 1950) compression and bounded decompression.
enum Zlib {
    /// Compresses `input` into a complete zlib stream.
    /// - Throws: ``WireCodecError/compressionFailed`` when zlib reports an error.
    static func deflate(_ input: UnsafeRawBufferPointer, level: Int32) throws(WireCodecError) -> [UInt8] {
        var stream = z_stream()
        let initResult = deflateInit_(&stream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else {
            throw WireCodecError.compressionFailed.with("deflateInit failed (\(initResult))")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let result: Int32 = output.withUnsafeMutableBytes { out in
            guard let outBase = out.baseAddress else { return Z_BUF_ERROR }
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = outBase.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(out.count)
            return CZlib.deflate(&stream, Z_FINISH)
        }
        guard result == Z_STREAM_END else {
            throw WireCodecError.compressionFailed.with("deflate failed (\(result))")
        }
        output.removeLast(bound - Int(stream.total_out))
        return output
    }

    /// Inflates a complete zlib stream, refusing to produce more than `limit` bytes.
    ///
    /// Output grows in chunks and never past `limit`, so a small stream that would
    /// inflate to gigabytes costs at most `limit` bytes of memory.
    /// - Throws: ``WireCodecError/inflatedTooLarge`` past the limit;
    ///   ``WireCodecError/corruptCompression`` for a bad, truncated or trailing-garbage stream.
    static func inflate(_ input: UnsafeRawBufferPointer, limit: Int) throws(WireCodecError) -> [UInt8] {
        var stream = z_stream()
        let initResult = inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else {
            throw WireCodecError.corruptCompression.with("inflateInit failed (\(initResult))")
        }
        defer { inflateEnd(&stream) }
        guard let inBase = input.baseAddress, input.count > 0, input.count <= Int(UInt32.max) else {
            throw WireCodecError.corruptCompression.with("empty or oversized compressed body")
        }
        stream.next_in = UnsafeMutablePointer(mutating: inBase.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)

        var output: [UInt8] = []
        // Start near a typical ratio, never beyond the limit.
        var capacity = min(max(input.count * 4, 4096), limit)
        while true {
            let produced = output.count
            if produced == capacity {
                if capacity >= limit {
                    // Full at the limit: the stream is over the limit unless it ends right here.
                    var probe: UInt8 = 0
                    let status: Int32 = withUnsafeMutablePointer(to: &probe) { pointer in
                        stream.next_out = pointer
                        stream.avail_out = 1
                        return CZlib.inflate(&stream, Z_NO_FLUSH)
                    }
                    if status == Z_STREAM_END && stream.avail_out == 1 { break }
                    if status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && stream.avail_out == 0) {
                        throw WireCodecError.inflatedTooLarge.with("compressed body inflates past \(limit) bytes")
                    }
                    throw WireCodecError.corruptCompression.with("zlib error \(status)")
                }
                capacity = min(capacity * 2, limit)
            }
            output.append(contentsOf: repeatElement(0, count: capacity - produced))
            let status: Int32 = output.withUnsafeMutableBytes { out in
                let base = out.baseAddress.map { $0 + produced }
                stream.next_out = base?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(capacity - produced)
                return CZlib.inflate(&stream, Z_NO_FLUSH)
            }
            let written = capacity - produced - Int(stream.avail_out)
            output.removeLast(capacity - produced - written)
            switch status {
            case Z_STREAM_END:
                guard stream.avail_in == 0 else {
                    throw WireCodecError.corruptCompression.with("\(stream.avail_in) bytes after the end of the zlib stream")
                }
                return output
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: input exhausted before the stream ended.
                if stream.avail_in == 0 {
                    throw WireCodecError.corruptCompression.with("zlib stream ends early")
                }
                continue
            default:
                throw WireCodecError.corruptCompression.with("zlib error \(status)")
            }
        }
        guard stream.avail_in == 0 else {
            throw WireCodecError.corruptCompression.with("\(stream.avail_in) bytes after the end of the zlib stream")
        }
        return output
    }
}

/// Counting newlines sixteen bytes at a time, for the block pipeline's reading thread.
enum Newlines {
    /// The first `limit` newlines of `bytes` (all of them when there are fewer): how many,
    /// and the length of `bytes` up to and including the last of them (0 when none).
    static func count(in bytes: UnsafeRawBufferPointer, upTo limit: Int) -> (lines: Int, length: Int) {
        guard limit > 0, let base = bytes.baseAddress else { return (0, 0) }
        let count = bytes.count
        let newline = SIMD16<UInt8>(repeating: 0x0A)
        var lines = 0, offset = 0
        // 64-byte chunks are counted whole while they hold fewer newlines than are still wanted.
        while offset + 64 <= count {
            var found = SIMD16<Int8>()
            for part in 0..<4 {
                let bytes = base.loadUnaligned(fromByteOffset: offset + part * 16, as: SIMD16<UInt8>.self)
                found &-= unsafeBitCast(bytes .== newline, to: SIMD16<Int8>.self)  // a match is -1
            }
            let inChunk = Int(found.wrappedSum())
            if lines + inChunk >= limit { break }
            lines += inChunk
            offset += 64
        }
        // The rest byte by byte: the chunk where the limit is reached, or the last bytes.
        var length = 0
        while offset < count {
            if base.load(fromByteOffset: offset, as: UInt8.self) == 0x0A {
                lines += 1
                length = offset + 1
                if lines == limit { return (lines, length) }
            }
            offset += 1
        }
        // The last newline lies in a chunk counted whole: find it from the end.
        if length == 0, lines > 0 {
            var position = offset - 1
            while base.load(fromByteOffset: position, as: UInt8.self) != 0x0A { position -= 1 }
            length = position + 1
        }
        return (lines, length)
    }
}

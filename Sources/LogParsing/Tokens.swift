/// Whitespace splitting of a message, on bytes.
///
/// Separators are the ASCII whitespace bytes and the information separators
/// 0x1C–0x1F, which is what Python's `str.split()` uses for ASCII text (the
/// reference Drain implementation splits with it). Non-ASCII whitespace such
/// as U+00A0 is not a separator: bytes are never decoded to split a line, so
/// invalid UTF-8 passes through unchanged.
public enum Tokens {
    @inline(__always)
    public static func isSeparator(_ byte: UInt8) -> Bool {
        // Every separator is below 0x21; one comparison rejects the common case.
        byte <= 0x20 && (byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || byte >= 0x1C)
    }

    /// The index of the first separator at or after `start` (or `bytes.count`),
    /// eight bytes at a time: a word without a byte below 0x21 holds no separator.
    @inline(__always)
    public static func tokenEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        let count = bytes.count
        while index + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // High bit set in each byte lane below 0x21 (lanes ≥ 0x80 never are).
            let below = (word &- 0x2121_2121_2121_2121) & ~word & 0x8080_8080_8080_8080
            if below == 0 {
                index += 8
                continue
            }
            // The lowest flagged lane is exact (borrows only run upward); it is
            // a separator unless it is another control byte.
            let candidate = index + below.trailingZeroBitCount >> 3
            if isSeparator(bytes[candidate]) { return candidate }
            index = candidate + 1
            break
        }
        while index < count, !isSeparator(bytes[index]) { index += 1 }
        return index
    }

    /// Calls `body` with the byte range of each token of `bytes`, in order.
    @inline(__always)
    public static func forEach(in bytes: UnsafeRawBufferPointer, _ body: (Range<Int>) throws -> Void) rethrows {
        var index = 0
        let count = bytes.count
        while index < count {
            while index < count, isSeparator(bytes[index]) { index += 1 }
            let start = index
            index = tokenEnd(bytes, from: index)
            if index > start { try body(start..<index) }
        }
    }
}

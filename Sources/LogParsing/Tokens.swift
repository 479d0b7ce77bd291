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

    /// The byte ranges of the tokens of `bytes`, in order.
    public static func ranges(_ bytes: UnsafeRawBufferPointer) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var index = 0
        let count = bytes.count
        while index < count {
            while index < count, isSeparator(bytes[index]) { index += 1 }
            let start = index
            while index < count, !isSeparator(bytes[index]) { index += 1 }
            if index > start { result.append(start..<index) }
        }
        return result
    }

    /// The tokens of a string, as strings (invalid UTF-8 repaired for display only).
    public static func split(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            return ranges(raw).map { String(decoding: raw[$0], as: UTF8.self) }
        }
    }
}

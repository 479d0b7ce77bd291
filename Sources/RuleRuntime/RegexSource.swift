/// Pieces of a regex's source that the prefilter's own matchers (``TokenTemplate``,
/// ``FieldTest``) read: literal bytes and repeat counts.
enum RegexSource {
    /// The byte `source` spells at `index` as a literal (a printable ASCII byte that is no
    /// metacharacter, or a backslash and a punctuation byte) and the index after it; `nil` for
    /// anything else: metacharacters, escapes that are classes or assertions, whitespace, bytes outside ASCII.
    static func literal(in source: ArraySlice<UInt8>, at index: Int) -> (byte: UInt8, next: Int)? {
        let byte = source[index]
        if byte == 0x5C {
            let next = index + 1
            guard next < source.endIndex, source[next] > 0x20, source[next] < 0x7F, !WordLiteral.isWordCharacter(source[next]) else { return nil }
            return (source[next], next + 1)
        }
        guard byte > 0x20, byte < 0x7F, !metacharacters.contains(byte) else { return nil }
        return (byte, index + 1)
    }

    private static let metacharacters = Array("^$.|?*+()[]{}".utf8)

    /// The repeat count `N}` at `index` (one to three digits, then the closing brace) and the index after the brace.
    static func count(in source: ArraySlice<UInt8>, at index: Int) -> (count: Int, next: Int)? {
        var digits = index, count = 0
        while digits < source.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(source[digits]), count < 1000 {
            count = count * 10 + Int(source[digits] - UInt8(ascii: "0"))
            digits += 1
        }
        guard digits > index, digits < source.endIndex, source[digits] == UInt8(ascii: "}") else { return nil }
        return (count, digits + 1)
    }
}

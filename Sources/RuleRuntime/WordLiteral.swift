/// One literal of a regex made of word-bounded literal alternatives, such as
/// `\b(INFO|WARNING)\b` or `\bERROR\b`: the prefilter scans the literals as plain
/// strings (a literal search, much faster than the automaton Vectorscan builds
/// for `\b`) and its match handler checks the word boundaries on the bytes.
///
/// The answer is exact on ASCII lines, where PCRE2's `\b` sees the same word
/// characters (`[A-Za-z0-9_]`); other lines go to PCRE2, as for every regex.
struct WordLiteral: Sendable, Hashable {
    /// The line test the literal answers for.
    let test: Int
    let length: Int
    /// Whether a word character may not come just before (`\b` first) or just after (`\b` last).
    let boundedBefore: Bool
    let boundedAfter: Bool

    /// The literals of `source` when it is `\b`, then one literal or a group of literal
    /// alternatives, then `\b` (either `\b` may be missing, not both), every literal
    /// starting and ending with a word character where it meets a `\b`; else `nil`.
    static func split(_ source: [UInt8]) -> (literals: [[UInt8]], boundedBefore: Bool, boundedAfter: Bool)? {
        var body = source[...]
        let boundary: [UInt8] = [0x5C, UInt8(ascii: "b")]
        let before = body.starts(with: boundary)
        if before { body = body.dropFirst(2) }
        // A trailing `\b` is a boundary only when its backslash is not itself escaped.
        var after = false
        if body.count >= 2, body.suffix(2).elementsEqual(boundary) {
            let backslashes = body.dropLast(2).reversed().prefix { $0 == 0x5C }.count
            if backslashes % 2 == 0 {
                after = true
                body = body.dropLast(2)
            }
        }
        guard before || after else { return nil }
        // Alternatives must be grouped: `\bA|B\b` is `\bA` or `B\b`.
        let grouped = body.first == UInt8(ascii: "(") && body.last == UInt8(ascii: ")")
        if grouped {
            body = body.dropFirst().dropLast()
            if body.starts(with: Array("?:".utf8)) { body = body.dropFirst(2) }
        }
        var literals: [[UInt8]] = [[]]
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            switch byte {
            case UInt8(ascii: "|"):
                guard grouped else { return nil }
                literals.append([])
            case 0x5C:
                // An escaped punctuation character is itself; an escaped letter or digit is a class or an assertion.
                let next = body.index(after: index)
                guard next < body.endIndex, body[next] < 0x80, !isWordCharacter(body[next]), body[next] != 0x0A else { return nil }
                literals[literals.count - 1].append(body[next])
                index = next
            case _ where byte >= 0x80 || byte < 0x20 || Array("^$.?*+()[]{}".utf8).contains(byte):
                return nil
            default:
                literals[literals.count - 1].append(byte)
            }
            index = body.index(after: index)
        }
        for literal in literals {
            guard let first = literal.first, let last = literal.last else { return nil }
            if before, !isWordCharacter(first) { return nil }
            if after, !isWordCharacter(last) { return nil }
        }
        return (literals, before, after)
    }

    /// `[A-Za-z0-9_]`: PCRE2's word characters on ASCII.
    @inline(__always)
    static func isWordCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): true
        default: false
        }
    }
}

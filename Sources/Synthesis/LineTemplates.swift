/// Abstraction of log lines for the builtin synthesizer: tokens holding digits
/// (numbers, ids, addresses, hex, timestamps) become variables; the rest stay
/// literal. Templates and phrases become PCRE2 sources.
enum LineTemplates {
    /// A line's tokens as literals, or `nil` for a token holding a digit (a variable).
    static func pieces(_ line: String) -> [String?] {
        var line = line
        return line.withUTF8 { pieces($0) }
    }

    /// The pieces of a line's bytes (tokens split on spaces and tabs), without
    /// decoding the line first: only literal tokens become strings.
    static func pieces(_ bytes: UnsafeBufferPointer<UInt8>) -> [String?] {
        var result: [String?] = []
        var index = 0
        let count = bytes.count
        while index < count {
            while index < count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            let start = index
            var hasDigit = false
            while index < count, bytes[index] != 0x20, bytes[index] != 0x09 {
                if bytes[index] >= 0x30, bytes[index] <= 0x39 { hasDigit = true }
                index += 1
            }
            guard index > start else { continue }
            result.append(hasDigit ? nil : String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        }
        return result
    }

    /// A regex source for a piece sequence: literals escaped, variables as `\S+`,
    /// tokens separated by single spaces.
    static func regex(_ pieces: some Collection<String?>) -> String {
        pieces.map { $0.map(escape) ?? #"\S+"# }.joined(separator: " ")
    }

    /// Escapes regex metacharacters (and `/`, which ends a rule-language regex literal).
    static func escape(_ literal: String) -> String {
        var out = ""
        for scalar in literal.unicodeScalars {
            if scalar.isASCII, !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == " ") {
                out += "\\"
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// The line's literal core: its pieces without leading and trailing variables.
    static func core(_ pieces: [String?]) -> ArraySlice<String?> {
        guard let first = pieces.firstIndex(where: { $0 != nil }), let last = pieces.lastIndex(where: { $0 != nil }) else { return [] }
        return pieces[first...last]
    }

    /// Contiguous phrases of 1…`maximumLength` pieces that start and end with a
    /// literal and are specific enough to name a message: two literal tokens or
    /// more, or one of at least ten characters (a lone common word such as
    /// `error` or `message` would match everywhere).
    ///
    /// Punctuation glued to the outer ends of a phrase is dropped, so that
    /// `(CioStream socket` yields `CioStream socket`, which still matches when
    /// the same words appear in a differently punctuated message.
    static func phrases(_ pieces: [String?], maximumLength: Int) -> Set<[String?]> {
        var result = Set<[String?]>()
        for start in pieces.indices where pieces[start] != nil {
            for end in start..<min(pieces.count, start + maximumLength) where pieces[end] != nil {
                var phrase = Array(pieces[start...end])
                guard let head = trimmed(phrase[0], leading: true), !head.isEmpty else { continue }
                phrase[0] = head
                guard let tail = trimmed(phrase[phrase.count - 1], leading: false), !tail.isEmpty else { continue }
                phrase[phrase.count - 1] = tail
                let literals = phrase.compactMap { $0 }
                if literals.count >= 2 || (literals.first?.count ?? 0) >= 10 { result.insert(phrase) }
            }
        }
        return result
    }

    /// A literal without the punctuation at its start (`leading`) or end.
    private static func trimmed(_ literal: String?, leading: Bool) -> String? {
        guard let literal else { return nil }
        let isWordy = { (c: Character) in c.isLetter || c.isNumber || c == "_" }
        return leading ? String(literal.drop { !isWordy($0) }) : String(literal.reversed().drop { !isWordy($0) }.reversed())
    }
}

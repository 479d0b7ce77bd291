/// Rewrites a PCRE2 pattern into the Vectorscan pattern that finds the same
/// lines when a whole window is scanned at once, lines separated by newlines.
///
/// The rewrite keeps every match inside one line and every anchor relative to
/// the line: negated classes and `\s`, `\W`, `\D` lose the newline (a line never
/// holds one), `\A` becomes `^` and `\z`/`\Z` become `$` (the database is compiled
/// multi-line), `\N` becomes `.`, named groups become plain groups. Constructs
/// that cannot be rewritten exactly name a reason instead: lookarounds (they would
/// see across the line end), back-references and possessive or atomic forms (which
/// Vectorscan only approximates), `\Q…\E`, Unicode properties, octal and control
/// escapes, inline options other than `i`, and non-ASCII patterns (Vectorscan's
/// byte mode would not apply PCRE2's UTF-8 semantics).
enum LineRegex {
    /// The outcome of a rewrite.
    enum Rewrite: Equatable {
        /// Vectorscan matches exactly the lines PCRE2 matches (on ASCII lines).
        case exact([UInt8])
        /// Vectorscan's prefilter mode can approximate the pattern: every line PCRE2
        /// matches is among the lines it reports, which PCRE2 then confirms.
        case approximate([UInt8], reason: String)
        /// Not in the database; PCRE2 runs on every line a rule asks about.
        case unsupported(reason: String)
    }

    static func rewrite(_ source: [UInt8]) -> Rewrite {
        guard source.allSatisfy({ $0 < 0x80 }) else {
            return .unsupported(reason: "a non-ASCII pattern (Vectorscan's byte mode would not apply PCRE2's UTF-8 semantics)")
        }
        var rewriter = Rewriter(source: source)
        return rewriter.run()
    }

    private struct Rewriter {
        let source: [UInt8]
        var position = 0
        var output: [UInt8] = []
        /// Why the pattern can only be approximated, when it can.
        var approximation: String?

        init(source: [UInt8]) { self.source = source }

        enum Failure: Error { case unsupported(String) }

        mutating func run() -> Rewrite {
            do {
                while position < source.count { try atom() }
            } catch {
                if case .unsupported(let reason) = error { return .unsupported(reason: reason) }
            }
            if let approximation { return .approximate(output, reason: approximation) }
            return .exact(output)
        }

        private func peek(_ offset: Int = 0) -> UInt8? {
            position + offset < source.count ? source[position + offset] : nil
        }

        private mutating func emit(_ text: String) { output += Array(text.utf8) }

        private mutating func atom() throws(Failure) {
            let byte = source[position]
            switch byte {
            case UInt8(ascii: "\\"):
                try escape(inClass: nil)
            case UInt8(ascii: "["):
                try characterClass()
            case UInt8(ascii: "("):
                try group()
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "}"):
                output.append(byte)
                position += 1
                if peek() == UInt8(ascii: "+") {
                    approximation = approximation ?? "a possessive quantifier, which Vectorscan approximates"
                    position += 1
                }
            case 0x0A:
                throw .unsupported("a newline in the pattern (a line never holds one)")
            default:
                output.append(byte)
                position += 1
            }
        }

        /// `(`: plain and non-capturing groups pass; named groups lose their name.
        private mutating func group() throws(Failure) {
            position += 1
            if peek() == UInt8(ascii: "*") { throw .unsupported("a PCRE2 verb") }
            guard peek() == UInt8(ascii: "?") else { output.append(UInt8(ascii: "(")); return }
            let next = peek(1)
            switch next {
            case UInt8(ascii: ":"):
                emit("(?:")
                position += 2
            case UInt8(ascii: "="), UInt8(ascii: "!"):
                throw .unsupported("a lookahead (it would see past the end of the line)")
            case UInt8(ascii: "<") where peek(2) == UInt8(ascii: "=") || peek(2) == UInt8(ascii: "!"):
                throw .unsupported("a lookbehind (it would see before the start of the line)")
            case _ where next == UInt8(ascii: "<") || next == UInt8(ascii: "'") || (next == UInt8(ascii: "P") && peek(2) == UInt8(ascii: "<")):
                // A named group: skip the name up to its closing `>` or `'`.
                let close = next == UInt8(ascii: "'") ? UInt8(ascii: "'") : UInt8(ascii: ">")
                var end = position + (next == UInt8(ascii: "P") ? 3 : 2)
                while end < source.count, source[end] != close { end += 1 }
                guard end < source.count else { throw .unsupported("an unterminated group name") }
                output.append(UInt8(ascii: "("))
                position = end + 1
            case UInt8(ascii: ">"):
                approximation = approximation ?? "an atomic group, which Vectorscan approximates"
                emit("(?:")
                position += 2
            default:
                // Inline options: only `i` (and `-i`) keep their meaning in the multi-line scan.
                var end = position + 1
                while end < source.count, source[end] == UInt8(ascii: "i") || source[end] == UInt8(ascii: "-") { end += 1 }
                guard end > position + 1, end < source.count,
                      source[end] == UInt8(ascii: ")") || source[end] == UInt8(ascii: ":") else {
                    throw .unsupported("a group form or inline option Vectorscan cannot match exactly")
                }
                output += source[position - 1...end]
                position = end + 1
            }
        }

        /// `[...]`: a negated class gains the newline; a positive one must not include it.
        private mutating func characterClass() throws(Failure) {
            position += 1
            let negated = peek() == UInt8(ascii: "^")
            emit(negated ? "[^" : "[")
            if negated { position += 1 }
            var first = true
            var previous: Int?
            while true {
                guard let byte = peek() else { throw .unsupported("an unterminated character class") }
                if byte == UInt8(ascii: "]"), !first { break }
                first = false
                switch byte {
                case UInt8(ascii: "\\"):
                    previous = try escape(inClass: negated)
                case UInt8(ascii: "[") where peek(1) == UInt8(ascii: ":"):
                    var end = position + 2
                    while end + 1 < source.count, !(source[end] == UInt8(ascii: ":") && source[end + 1] == UInt8(ascii: "]")) { end += 1 }
                    guard end + 1 < source.count else { throw .unsupported("an unterminated POSIX class") }
                    let name = String(decoding: source[(position + 2)..<end], as: UTF8.self)
                    let withoutNewline: Set<String> = ["alpha", "digit", "alnum", "upper", "lower", "xdigit", "word", "punct", "graph", "print", "blank"]
                    if !negated, !withoutNewline.contains(name) { throw .unsupported("the POSIX class [:\(name):], which holds a newline") }
                    output += source[position...(end + 1)]
                    position = end + 2
                    previous = nil
                case UInt8(ascii: "-") where previous != nil && peek(1) != UInt8(ascii: "]"):
                    // A range from `previous` to the next character.
                    output.append(byte)
                    position += 1
                    let upper: Int?
                    if peek() == UInt8(ascii: "\\") { upper = try escape(inClass: negated) } else {
                        upper = Int(source[position])
                        output.append(source[position])
                        position += 1
                    }
                    guard let lower = previous, let upper else { throw .unsupported("a range with an escape Vectorscan cannot take") }
                    if !negated, lower <= 0x0A, upper >= 0x0A { throw .unsupported("a class range that holds a newline") }
                    previous = nil
                default:
                    output.append(byte)
                    position += 1
                    previous = Int(byte)
                }
            }
            position += 1
            emit(negated ? "\\n]" : "]")
        }

        /// An escape at `position`. Returns the single byte it stands for inside a
        /// class (for ranges), or `nil` for a class escape like `\d`. `inClass` is
        /// `nil` outside a class, else whether the class is negated.
        @discardableResult
        private mutating func escape(inClass negated: Bool?) throws(Failure) -> Int? {
            guard let letter = peek(1) else { throw .unsupported("a trailing backslash") }
            position += 2
            let inClass = negated != nil
            switch letter {
            case UInt8(ascii: "d"), UInt8(ascii: "w"), UInt8(ascii: "S"), UInt8(ascii: "t"), UInt8(ascii: "r"),
                 UInt8(ascii: "f"), UInt8(ascii: "e"), UInt8(ascii: "a"), UInt8(ascii: "h"):
                output += [UInt8(ascii: "\\"), letter]
                switch letter {
                case UInt8(ascii: "t"): return 0x09
                case UInt8(ascii: "r"): return 0x0D
                case UInt8(ascii: "f"): return 0x0C
                case UInt8(ascii: "e"): return 0x1B
                case UInt8(ascii: "a"): return 0x07
                default: return nil
                }
            case UInt8(ascii: "s"):
                emit(inClass ? "\\t\\x0b\\x0c\\r " : "[\\t\\x0b\\x0c\\r ]")
                return nil
            case UInt8(ascii: "W"), UInt8(ascii: "D"), UInt8(ascii: "H"):
                let positive = letter == UInt8(ascii: "W") ? "\\w" : letter == UInt8(ascii: "D") ? "\\d" : "\\h"
                switch negated {
                case nil: emit("[^" + positive + "\\n]")
                case true?: output += [UInt8(ascii: "\\"), letter]
                case false?: throw .unsupported("\\\(Character(Unicode.Scalar(letter))) inside a class (it holds a newline)")
                }
                return nil
            case UInt8(ascii: "b"), UInt8(ascii: "B"):
                if inClass { throw .unsupported("\\b inside a class") }
                output += [UInt8(ascii: "\\"), letter]
                return nil
            case UInt8(ascii: "A"):
                if inClass { throw .unsupported("\\A inside a class") }
                emit("^")
                return nil
            case UInt8(ascii: "z"), UInt8(ascii: "Z"):
                if inClass { throw .unsupported("\\z inside a class") }
                emit("$")
                return nil
            case UInt8(ascii: "N"):
                if inClass { throw .unsupported("\\N inside a class") }
                emit(".")
                return nil
            case UInt8(ascii: "x"):
                var digits: [UInt8] = []
                if peek() == UInt8(ascii: "{") {
                    var end = position + 1
                    while end < source.count, source[end] != UInt8(ascii: "}") { end += 1 }
                    guard end < source.count else { throw .unsupported("an unterminated \\x{…}") }
                    digits = Array(source[(position + 1)..<end])
                    position = end + 1
                } else {
                    while digits.count < 2, let byte = peek(), isHexDigit(byte) { digits.append(byte); position += 1 }
                }
                guard let value = Int(String(decoding: digits, as: UTF8.self), radix: 16) ?? (digits.isEmpty ? 0 : nil) else {
                    throw .unsupported("a malformed \\x escape")
                }
                if value == 0x0A { throw .unsupported("a newline escape (a line never holds one)") }
                if value >= 0x80 { throw .unsupported("a non-ASCII character escape (PCRE2 matches it as UTF-8)") }
                emit("\\x" + (value < 16 ? "0" : "") + String(value, radix: 16))
                return value
            case UInt8(ascii: "1")...UInt8(ascii: "9"), UInt8(ascii: "g"), UInt8(ascii: "k"):
                if inClass { throw .unsupported("an octal escape") }
                // Vectorscan's prefilter mode approximates back-references by what they refer to.
                approximation = approximation ?? "a back-reference, which Vectorscan approximates"
                output += [UInt8(ascii: "\\"), letter]
                if letter == UInt8(ascii: "g") || letter == UInt8(ascii: "k") {
                    throw .unsupported("a back-reference by name or relative number")
                }
                while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { output.append(byte); position += 1 }
                return nil
            case UInt8(ascii: "n"), UInt8(ascii: "v"), UInt8(ascii: "R"):
                throw .unsupported("\\\(Character(Unicode.Scalar(letter))) (it matches a newline, which a line never holds)")
            case UInt8(ascii: "K"), UInt8(ascii: "G"):
                throw .unsupported("\\\(Character(Unicode.Scalar(letter))), which Vectorscan lacks")
            default:
                let isLetterOrDigit = (letter >= UInt8(ascii: "a") && letter <= UInt8(ascii: "z"))
                    || (letter >= UInt8(ascii: "A") && letter <= UInt8(ascii: "Z"))
                    || (letter >= UInt8(ascii: "0") && letter <= UInt8(ascii: "9"))
                if isLetterOrDigit {
                    throw .unsupported("the escape \\\(Character(Unicode.Scalar(letter))), which Vectorscan cannot match exactly")
                }
                // An escaped punctuation character stands for itself.
                output += [UInt8(ascii: "\\"), letter]
                return Int(letter)
            }
        }

        private func isHexDigit(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
        }
    }
}

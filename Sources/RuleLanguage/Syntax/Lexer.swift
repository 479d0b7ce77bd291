import WardenCore

/// Turns a source file's bytes into tokens. Never fails: problems become
/// diagnostics and `invalid` tokens, and lexing always reaches the end.
struct Lexer {
    private let bytes: [UInt8]
    private var position = 0
    private(set) var diagnostics: [Diagnostic] = []
    /// Whether the previous token ends an operand, which makes `/` division
    /// rather than the start of a regex literal.
    private var previousEndsOperand = false

    init(file: SourceFile) {
        self.bytes = file.bytes
        // A UTF-8 byte-order mark some editors write first is no token: skip it.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    /// Lexes the whole file; the last token is always `endOfFile`.
    mutating func tokenize() -> [Token] {
        reportLoneCarriageReturns()
        var tokens: [Token] = []
        while true {
            let token = next()
            tokens.append(token)
            if case .endOfFile = token.kind { return tokens }
        }
    }

    /// A CR that no LF follows is not a line end here; say so once, at the first, rather than let a comment swallow what follows.
    private mutating func reportLoneCarriageReturns() {
        var first: Int?, count = 0
        for index in bytes.indices where bytes[index] == 0x0D && (index + 1 == bytes.count || bytes[index + 1] != 0x0A) {
            if first == nil { first = index }
            count += 1
        }
        guard let first else { return }
        report(.loneCarriageReturn, "lone carriage return (CR without LF)\(count > 1 ? ": \(count) in this file" : "")", first..<first + 1,
               help: ["save the file with LF (or CRLF) line endings"])
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        position + ahead < bytes.count ? bytes[position + ahead] : nil
    }

    private mutating func next() -> Token {
        var comments: [String] = []
        skipTrivia(into: &comments)
        let start = position
        guard let byte = peek() else {
            return Token(kind: .endOfFile, range: .at(start), leadingComments: comments)
        }
        let kind = lexToken(startingWith: byte)
        switch kind {
        case .identifier, .integer, .float, .duration, .string, .regex, .keyword(.true), .keyword(.false):
            previousEndsOperand = true
        case .punctuation(let punctuation):
            previousEndsOperand = [.rightParen, .rightBracket].contains(punctuation)
        default:
            previousEndsOperand = false
        }
        return Token(kind: kind, range: SourceRange(start: start, end: position), leadingComments: comments)
    }

    /// Skips whitespace and `//` comments (not `///` doc comments), collecting the comments.
    private mutating func skipTrivia(into comments: inout [String]) {
        while let byte = peek() {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                position += 1
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/"), peek(2) != UInt8(ascii: "/") || peek(3) == UInt8(ascii: "/") {
                let start = position
                skipToEndOfLine()
                comments.append(decodeChecked(start..<position))
            } else {
                return
            }
        }
    }

    private mutating func skipToEndOfLine() {
        while let byte = peek(), byte != 0x0A { position += 1 }
    }

    private mutating func lexToken(startingWith byte: UInt8) -> Token.Kind {
        let start = position
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            while let next = peek(), isIdentifierByte(next) { position += 1 }
            let word = String(decoding: bytes[start..<position], as: UTF8.self)
            if let keyword = Keyword(rawValue: word) { return .keyword(keyword) }
            return .identifier(word)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return lexNumber()
        case UInt8(ascii: "\""):
            return lexString()
        case UInt8(ascii: "/"):
            if peek(1) == UInt8(ascii: "/"), peek(2) == UInt8(ascii: "/") {
                position += 3
                let textStart = position
                skipToEndOfLine()
                var text = decodeChecked(textStart..<position)
                if text.hasPrefix(" ") { text.removeFirst() }
                return .docComment(text)
            }
            if !previousEndsOperand { return lexRegex() }
            position += 1
            return .punctuation(.slash)
        default:
            return lexPunctuation(byte)
        }
    }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    private mutating func lexPunctuation(_ byte: UInt8) -> Token.Kind {
        let start = position
        let two: [(String, Punctuation)] = [("==", .equal), ("!=", .notEqual), ("<=", .lessEqual), (">=", .greaterEqual)]
        for (text, punctuation) in two {
            let spelled = Array(text.utf8)
            if byte == spelled[0], peek(1) == spelled[1] {
                position += 2
                return .punctuation(punctuation)
            }
        }
        if byte < 0x80, let punctuation = Punctuation(rawValue: String(UnicodeScalar(byte))), punctuation != .slash {
            position += 1
            return .punctuation(punctuation)
        }
        // Not a token: consume one character (a whole UTF-8 sequence when valid).
        let length = validSequenceLength(at: start)
        if length == 0 {
            position += invalidRunLength(at: start)
            report(.invalidUTF8, "invalid UTF-8 in source", start..<position)
        } else {
            position += length
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            let shown = text.unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0.value < 0x20 }
                ? "U+" + String(text.unicodeScalars.first!.value, radix: 16, uppercase: true)
                : "`\(text)`"
            report(.unexpectedCharacter, "unexpected character \(shown)", start..<position)
        }
        return .invalid
    }

    private mutating func lexNumber() -> Token.Kind {
        let start = position
        while let byte = peek(), isDigit(byte) { position += 1 }
        var isFloat = false
        if peek() == UInt8(ascii: "."), let after = peek(1), isDigit(after) {
            isFloat = true
            position += 1
            while let byte = peek(), isDigit(byte) { position += 1 }
        }
        let numberEnd = position
        while let byte = peek(), isIdentifierByte(byte) { position += 1 }
        let digits = String(decoding: bytes[start..<numberEnd], as: UTF8.self)
        let suffix = String(decoding: bytes[numberEnd..<position], as: UTF8.self)
        let spelling = digits + suffix
        if suffix.isEmpty {
            if isFloat, let value = Double(digits), value.isFinite { return .float(value, digits) }
            if !isFloat, let value = Int(digits) { return .integer(value) }
            report(.invalidNumber, "number `\(digits)` is out of range", start..<position)
            return .invalid
        }
        guard let unit = Durations.unitMilliseconds[suffix], !isFloat else {
            report(.invalidNumber, "invalid number literal `\(spelling)`", start..<position,
                   notes: ["durations are an integer followed by `ms`, `s`, `m`, `h` or `d`"])
            return .invalid
        }
        guard let count = Int64(digits) else {
            report(.invalidNumber, "number `\(digits)` is out of range", start..<position)
            return .invalid
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: unit)
        guard !overflow else {
            report(.invalidNumber, "duration `\(spelling)` is out of range", start..<position)
            return .invalid
        }
        return .duration(product, spelling)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func lexString() -> Token.Kind {
        let start = position
        position += 1
        // UTF-8 bytes, decoded once at the end (appending scalars to a string view one by one was quadratic).
        var text: [UInt8] = []
        var valid = true
        while true {
            guard let byte = peek(), byte != 0x0A else {
                report(.unterminatedString, "unterminated string literal", start..<position,
                       help: ["close the string with `\"` on the same line"],
                       fixIts: [Diagnostic.FixIt("insert `\"`", edits: [.init(range: .at(position), replacement: "\"")])])
                return .invalid
            }
            if byte == UInt8(ascii: "\"") {
                position += 1
                return valid ? .string(String(decoding: text, as: UTF8.self)) : .invalid
            }
            if byte == UInt8(ascii: "\\") {
                if let scalar = lexEscape() { text.append(contentsOf: UTF8.encode(scalar)!) } else { valid = false }
                continue
            }
            let length = validSequenceLength(at: position)
            if length == 0 {
                let badStart = position
                position += invalidRunLength(at: position)
                report(.invalidUTF8, "invalid UTF-8 in string literal", badStart..<position,
                       help: ["write the character with a `\\u{...}` escape"])
                valid = false
                continue
            }
            text.append(contentsOf: bytes[position..<position + length])
            position += length
        }
    }

    /// Lexes one escape sequence after a backslash; `nil` (diagnosed) when invalid.
    private mutating func lexEscape() -> Unicode.Scalar? {
        let start = position
        position += 1
        guard let byte = peek(), byte != 0x0A else {
            report(.invalidEscape, "incomplete escape sequence", start..<position)
            return nil
        }
        position += 1
        switch byte {
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "0"): return "\0"
        case UInt8(ascii: "u"):
            guard peek() == UInt8(ascii: "{") else {
                report(.invalidEscape, "expected `{` after `\\u`", start..<position)
                return nil
            }
            position += 1
            let digitsStart = position
            while let next = peek(), next != UInt8(ascii: "}"), next != UInt8(ascii: "\""), next != 0x0A,
                  position - digitsStart < 9 { position += 1 }
            let digits = String(decoding: bytes[digitsStart..<position], as: UTF8.self)
            guard peek() == UInt8(ascii: "}") else {
                report(.invalidEscape, "unterminated `\\u{...}` escape", start..<position)
                return nil
            }
            position += 1
            guard (1...8).contains(digits.count), let value = UInt32(digits, radix: 16),
                  let scalar = Unicode.Scalar(value) else {
                report(.invalidEscape, "`\\u{\(digits)}` is not a Unicode scalar value", start..<position)
                return nil
            }
            return scalar
        default:
            if byte >= 0x80 { position += max(0, validSequenceLength(at: position - 1) - 1) }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            report(.invalidEscape, "invalid escape sequence `\(text)`", start..<position,
                   help: ["to write a backslash, escape it: `\\\\`"],
                   fixIts: [Diagnostic.FixIt("escape the backslash", edits: [.init(range: .at(start), replacement: "\\")])])
            return nil
        }
    }

    private mutating func lexRegex() -> Token.Kind {
        let start = position
        position += 1
        let patternStart = position
        var valid = true
        while true {
            guard let byte = peek(), byte != 0x0A else {
                report(.unterminatedRegex, "unterminated regex literal", start..<position,
                       help: ["close the regex with `/` on the same line; write a slash inside it as `\\/`"])
                return .invalid
            }
            if byte == UInt8(ascii: "/") { break }
            if byte == UInt8(ascii: "\\"), let escaped = peek(1), escaped != 0x0A {
                position += 1
            }
            let length = validSequenceLength(at: position)
            if length == 0 {
                let badStart = position
                position += invalidRunLength(at: position)
                report(.invalidUTF8, "invalid UTF-8 in regex literal", badStart..<position)
                valid = false
            } else {
                position += length
            }
        }
        let pattern = Array(bytes[patternStart..<position])
        position += 1
        let flagsStart = position
        while let byte = peek(), isIdentifierByte(byte) { position += 1 }
        let flags = String(decoding: bytes[flagsStart..<position], as: UTF8.self)
        var seen = Set<Character>()
        for (index, flag) in flags.enumerated() {
            let flagRange = (flagsStart + index)..<(flagsStart + index + 1)
            if !"imsx".contains(flag) {
                report(.invalidRegexFlag, "unknown regex flag `\(flag)`", flagRange,
                       notes: ["regex flags are `i`, `m`, `s` and `x`"])
                valid = false
            } else if !seen.insert(flag).inserted {
                report(.invalidRegexFlag, "regex flag `\(flag)` repeated", flagRange)
                valid = false
            }
        }
        return valid ? .regex(RegexLiteral(pattern: pattern, flags: flags, patternOffset: patternStart)) : .invalid
    }

    /// The length of the valid UTF-8 sequence at `offset`, or 0 when it is invalid.
    private func validSequenceLength(at offset: Int) -> Int {
        let lead = bytes[offset]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard offset + length <= bytes.count else { return 0 }
        var decoder = UTF8()
        var iterator = bytes[offset..<offset + length].makeIterator()
        if case .scalarValue = decoder.decode(&iterator) { return length }
        return 0
    }

    /// How many bytes from `offset` do not start a valid UTF-8 sequence (at least 1).
    private func invalidRunLength(at offset: Int) -> Int {
        var end = offset + 1
        while end < bytes.count, validSequenceLength(at: end) == 0 { end += 1 }
        return end - offset
    }

    /// Decodes a range the lexer has checked for UTF-8, reporting bad bytes in comments.
    private mutating func decodeChecked(_ range: Range<Int>) -> String {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let length = validSequenceLength(at: offset)
            if length == 0 {
                let run = min(invalidRunLength(at: offset), range.upperBound - offset)
                report(.invalidUTF8, "invalid UTF-8 in comment", offset..<offset + run)
                offset += run
            } else {
                offset += length
            }
        }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    private mutating func report(
        _ code: DiagnosticCode, _ message: String, _ range: Range<Int>,
        notes: [String] = [], help: [String] = [], fixIts: [Diagnostic.FixIt] = []
    ) {
        diagnostics.append(Diagnostic(
            code, message, at: SourceRange(start: range.lowerBound, end: range.upperBound),
            notes: notes, help: help, fixIts: fixIts))
    }
}

/// A lexical token with its source range.
public struct Token: Sendable, Hashable {
    /// What kind of token this is; literal tokens carry their decoded value.
    public enum Kind: Sendable, Hashable {
        case identifier(String)
        case keyword(Keyword)
        case integer(Int)
        /// A float literal with its value and source spelling.
        case float(Double, String)
        /// A duration literal in milliseconds, with its source spelling.
        case duration(Int64, String)
        case string(String)
        case regex(RegexLiteral)
        case docComment(String)
        case punctuation(Punctuation)
        case endOfFile
        /// A token the lexer could not make sense of (already diagnosed).
        case invalid
    }

    public let kind: Kind
    public let range: SourceRange
    /// Comments (`// ...`) between the previous token and this one, in order.
    public let leadingComments: [String]
}

/// Reserved words of the rule language.
public enum Keyword: String, Sendable, Hashable, CaseIterable {
    case pack, version, description, normal, abnormal, rule, `let`, test, expect, evidence
    case `in`, `where`, and, or, not, `true`, `false`
    case contains, startswith, endswith, matches
}

/// Operators and separators.
public enum Punctuation: String, Sendable, Hashable, CaseIterable {
    case leftBrace = "{", rightBrace = "}", leftParen = "(", rightParen = ")"
    case leftBracket = "[", rightBracket = "]", comma = ",", colon = ":", dot = ".", at = "@"
    case assign = "=", equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
}

/// A regex literal: the pattern's bytes exactly as written between the slashes, and its flags.
public struct RegexLiteral: Sendable, Hashable {
    public let pattern: [UInt8]
    public let flags: String
    /// Byte offset of the pattern's first byte in the source file.
    public let patternOffset: Int

    public init(pattern: [UInt8], flags: String, patternOffset: Int) {
        self.pattern = pattern
        self.flags = flags
        self.patternOffset = patternOffset
    }

    /// The pattern as text (invalid UTF-8 cannot occur: the lexer rejects it).
    public var patternText: String { String(decoding: pattern, as: UTF8.self) }

    public static func == (lhs: RegexLiteral, rhs: RegexLiteral) -> Bool {
        lhs.pattern == rhs.pattern && lhs.flags == rhs.flags
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(flags)
    }
}

extension Token.Kind {
    /// How the token reads in a diagnostic ("`{`", "identifier `x`").
    public var displayName: String {
        switch self {
        case .identifier(let name): "identifier `\(name)`"
        case .keyword(let keyword): "`\(keyword.rawValue)`"
        case .integer(let value): "integer `\(value)`"
        case .float(_, let text): "number `\(text)`"
        case .duration(_, let text): "duration `\(text)`"
        case .string: "string literal"
        case .regex: "regex literal"
        case .docComment: "doc comment"
        case .punctuation(let punctuation): "`\(punctuation.rawValue)`"
        case .endOfFile: "end of file"
        case .invalid: "invalid token"
        }
    }
}

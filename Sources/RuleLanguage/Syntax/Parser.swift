/// A recursive-descent parser with error recovery: one run reports every
/// independent syntax error, and no input makes it crash, hang or recurse
/// without bound.
public struct Parser {
    /// The deepest expression nesting accepted.
    public static let maximumNestingDepth = 128

    let file: SourceFile
    var tokens: [Token]
    var index = 0
    var diagnostics: [Diagnostic] = []
    var depth = 0
    /// Of `depth`, the levels that operators of chains add, and the last such operator (for the nesting error).
    var chainDepth = 0
    var chainOperator: BinaryOperator?
    /// The token index of the last reported syntax error; a second error at the
    /// same token is a cascade of the first and is not reported.
    var lastErrorIndex = -1
    /// Comments of consumed tokens not yet given to a declaration.
    var pendingComments: [String] = []
    /// Indices of tokens whose comments a declaration has already taken.
    var takenComments: Set<Int> = []

    /// Parses a source file into a syntax tree and its lexical and syntax diagnostics.
    public static func parse(_ file: SourceFile) -> (syntax: PackSyntax, diagnostics: [Diagnostic]) {
        var lexer = Lexer(file: file)
        let tokens = lexer.tokenize()
        var parser = Parser(file: file, tokens: tokens)
        let pack = parser.parsePack()
        return (pack, lexer.diagnostics + parser.diagnostics)
    }

    init(file: SourceFile, tokens: [Token]) {
        self.file = file
        // Invalid tokens were diagnosed by the lexer; the parser skips them.
        self.tokens = tokens.filter { if case .invalid = $0.kind { return false } else { return true } }
    }

    // MARK: - Tokens

    var current: Token { tokens[index] }
    var atEnd: Bool { if case .endOfFile = current.kind { return true } else { return false } }

    func peekKind(_ ahead: Int) -> Token.Kind {
        tokens[min(index + ahead, tokens.count - 1)].kind
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if !atEnd {
            if !takenComments.contains(index) { pendingComments += token.leadingComments }
            takenComments.insert(index)
            index += 1
        }
        return token
    }

    /// Takes the comments seen since the last declaration, plus the current token's.
    /// Comments written inside an expression are thereby kept with its statement.
    mutating func takeComments() -> [String] {
        var comments = pendingComments
        pendingComments = []
        if !takenComments.contains(index) {
            comments += current.leadingComments
            takenComments.insert(index)
        }
        return comments
    }

    func isPunctuation(_ punctuation: Punctuation, _ kind: Token.Kind? = nil) -> Bool {
        if case .punctuation(let found) = kind ?? current.kind { return found == punctuation }
        return false
    }

    func isKeyword(_ keyword: Keyword, _ kind: Token.Kind? = nil) -> Bool {
        if case .keyword(let found) = kind ?? current.kind { return found == keyword }
        return false
    }

    var previousEnd: Int { index > 0 ? tokens[index - 1].range.end : 0 }

    /// Consumes `punctuation` or reports what was expected (with an insertion fix-it).
    @discardableResult
    mutating func expect(_ punctuation: Punctuation, _ context: String) -> Bool {
        if isPunctuation(punctuation) {
            advance()
            return true
        }
        error(.expectedToken, "expected `\(punctuation.rawValue)` \(context), found \(current.kind.displayName)",
              at: current.range, label: "expected `\(punctuation.rawValue)`",
              fixIts: [Diagnostic.FixIt("insert `\(punctuation.rawValue)`",
                                        edits: [.init(range: .at(previousEnd), replacement: punctuation.rawValue)])])
        return false
    }

    mutating func expectKeyword(_ keyword: Keyword, _ context: String) -> Bool {
        if isKeyword(keyword) {
            advance()
            return true
        }
        error(.expectedToken, "expected `\(keyword.rawValue)` \(context), found \(current.kind.displayName)",
              at: current.range, label: "expected `\(keyword.rawValue)`")
        return false
    }

    mutating func expectIdentifier(_ context: String) -> Identifier? {
        if case .identifier(let name) = current.kind {
            return Identifier(name, range: advance().range)
        }
        var notes: [String] = []
        if case .keyword(let keyword) = current.kind {
            notes.append("`\(keyword.rawValue)` is a reserved word")
        }
        error(.expectedToken, "expected \(context), found \(current.kind.displayName)", at: current.range, notes: notes)
        return nil
    }

    mutating func expectString(_ context: String) -> StringLiteral? {
        if case .string(let value) = current.kind {
            return StringLiteral(value: value, range: advance().range)
        }
        error(.expectedToken, "expected \(context), found \(current.kind.displayName)", at: current.range)
        return nil
    }

    mutating func error(
        _ code: DiagnosticCode, _ message: String, at range: SourceRange, label: String? = nil,
        notes: [String] = [], help: [String] = [], fixIts: [Diagnostic.FixIt] = []
    ) {
        guard index != lastErrorIndex else { return }
        lastErrorIndex = index
        diagnostics.append(Diagnostic(code, message, at: range, label: label, notes: notes, help: help, fixIts: fixIts))
    }
}

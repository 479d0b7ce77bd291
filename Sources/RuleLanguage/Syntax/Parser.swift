import WardenCore

/// A recursive-descent parser with error recovery: one run reports every
/// independent syntax error, and no input makes it crash, hang or recurse
/// without bound.
public struct Parser {
    /// The deepest expression nesting accepted.
    public static let maximumNestingDepth = 128

    private let file: SourceFile
    private var tokens: [Token]
    private var index = 0
    private var diagnostics: [Diagnostic] = []
    private var depth = 0
    /// The token index of the last reported syntax error; a second error at the
    /// same token is a cascade of the first and is not reported.
    private var lastErrorIndex = -1
    /// Comments of consumed tokens not yet given to a declaration.
    private var pendingComments: [String] = []
    /// Indices of tokens whose comments a declaration has already taken.
    private var takenComments: Set<Int> = []

    /// Parses a source file into a syntax tree and its lexical and syntax diagnostics.
    public static func parse(_ file: SourceFile) -> (syntax: PackSyntax, diagnostics: [Diagnostic]) {
        var lexer = Lexer(file: file)
        let tokens = lexer.tokenize()
        var parser = Parser(file: file, tokens: tokens)
        let pack = parser.parsePack()
        return (pack, lexer.diagnostics + parser.diagnostics)
    }

    private init(file: SourceFile, tokens: [Token]) {
        self.file = file
        // Invalid tokens were diagnosed by the lexer; the parser skips them.
        self.tokens = tokens.filter { if case .invalid = $0.kind { return false } else { return true } }
    }

    // MARK: - Tokens

    private var current: Token { tokens[index] }
    private var atEnd: Bool { if case .endOfFile = current.kind { return true } else { return false } }

    private func peekKind(_ ahead: Int) -> Token.Kind {
        tokens[min(index + ahead, tokens.count - 1)].kind
    }

    @discardableResult
    private mutating func advance() -> Token {
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
    private mutating func takeComments() -> [String] {
        var comments = pendingComments
        pendingComments = []
        if !takenComments.contains(index) {
            comments += current.leadingComments
            takenComments.insert(index)
        }
        return comments
    }

    private func isPunctuation(_ punctuation: Punctuation, _ kind: Token.Kind? = nil) -> Bool {
        if case .punctuation(let found) = kind ?? current.kind { return found == punctuation }
        return false
    }

    private func isKeyword(_ keyword: Keyword, _ kind: Token.Kind? = nil) -> Bool {
        if case .keyword(let found) = kind ?? current.kind { return found == keyword }
        return false
    }

    private var previousEnd: Int { index > 0 ? tokens[index - 1].range.end : 0 }

    /// Consumes `punctuation` or reports what was expected (with an insertion fix-it).
    @discardableResult
    private mutating func expect(_ punctuation: Punctuation, _ context: String) -> Bool {
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

    private mutating func expectKeyword(_ keyword: Keyword, _ context: String) -> Bool {
        if isKeyword(keyword) {
            advance()
            return true
        }
        error(.expectedToken, "expected `\(keyword.rawValue)` \(context), found \(current.kind.displayName)",
              at: current.range, label: "expected `\(keyword.rawValue)`")
        return false
    }

    private mutating func expectIdentifier(_ context: String) -> Identifier? {
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

    private mutating func expectString(_ context: String) -> StringLiteral? {
        if case .string(let value) = current.kind {
            return StringLiteral(value: value, range: advance().range)
        }
        error(.expectedToken, "expected \(context), found \(current.kind.displayName)", at: current.range)
        return nil
    }

    private mutating func error(
        _ code: DiagnosticCode, _ message: String, at range: SourceRange, label: String? = nil,
        notes: [String] = [], help: [String] = [], fixIts: [Diagnostic.FixIt] = []
    ) {
        guard index != lastErrorIndex else { return }
        lastErrorIndex = index
        diagnostics.append(Diagnostic(code, message, at: range, label: label, notes: notes, help: help, fixIts: fixIts))
    }

    // MARK: - Pack and items

    private mutating func parsePack() -> PackSyntax {
        let (comments, doc) = leadingTrivia()
        var header: PackHeader?
        if isKeyword(.pack) {
            header = parseHeader(comments: comments, doc: doc)
            header?.comments += takeCommentsBeforeItem()
        } else {
            error(.expectedPackHeader, "expected a pack header `pack NAME version \"X.Y.Z\"`, found \(current.kind.displayName)",
                  at: current.range,
                  fixIts: [Diagnostic.FixIt("insert a pack header",
                                            edits: [.init(range: .at(current.range.start), replacement: "pack rules version \"0.1.0\"\n\n")])])
        }
        var items: [ItemSyntax] = []
        // Without a header, the leading comments and doc belong to the first item.
        var carriedComments = header == nil ? comments : []
        var carriedDoc = header == nil ? doc : []
        while !atEnd {
            let start = index
            if let item = parseItem(comments: carriedComments, doc: carriedDoc) { items.append(item) }
            carriedComments = []
            carriedDoc = []
            if index == start { advance() }
        }
        return PackSyntax(header: header, items: items, trailingComments: takeComments())
    }

    /// Comments consumed since the last declaration (but not the current token's).
    private mutating func takeCommentsBeforeItem() -> [String] {
        defer { pendingComments = [] }
        return pendingComments
    }

    /// The `//` comments and `///` doc lines before the next item.
    private mutating func leadingTrivia() -> (comments: [String], doc: [String]) {
        var comments = takeComments()
        var doc: [String] = []
        while case .docComment(let text) = current.kind {
            doc.append(text)
            advance()
            comments += takeComments()
        }
        return (comments, doc)
    }

    private mutating func parseHeader(comments: [String], doc: [String]) -> PackHeader? {
        let start = advance().range.start
        guard let name = expectIdentifier("the pack's name after `pack`") else {
            recoverToItem()
            return nil
        }
        guard expectKeyword(.version, "after the pack name"), let version = expectString("a version string such as \"1.0.0\"") else {
            recoverToItem()
            return nil
        }
        var description: StringLiteral?
        if isKeyword(.description) {
            advance()
            description = expectString("a description string")
        }
        return PackHeader(comments: comments, doc: doc, name: name, version: version,
                          description: description, range: SourceRange(start: start, end: previousEnd))
    }

    private mutating func parseItem(comments: [String], doc: [String]) -> ItemSyntax? {
        let trivia = leadingTrivia()
        let comments = comments + trivia.comments
        let doc = doc + trivia.doc
        let start = current.range.start
        var attributes: [AttributeSyntax] = []
        while isPunctuation(.at) {
            if let attribute = parseAttribute() { attributes.append(attribute) }
        }
        if isKeyword(.normal) || isKeyword(.abnormal) {
            let comments = comments + takeComments()
            return parseRule(comments: comments, doc: doc, attributes: attributes, start: start).map(ItemSyntax.rule)
        }
        if isKeyword(.test), attributes.isEmpty {
            let comments = comments + takeComments()
            guard var test = parseTest(comments: comments, start: start) else { return nil }
            test.comments += takeCommentsBeforeItem()
            return .test(test)
        }
        if atEnd, attributes.isEmpty, doc.isEmpty { return nil }
        error(.unexpectedItem, "expected `normal rule`, `abnormal rule` or `test`, found \(current.kind.displayName)",
              at: current.range)
        recoverToItem()
        return nil
    }

    /// Skips to the next token that can start an item, stepping over balanced braces.
    private mutating func recoverToItem() {
        var braces = 0
        while !atEnd {
            if braces == 0, startsItem(current.kind) { return }
            if isPunctuation(.leftBrace) { braces += 1 }
            if isPunctuation(.rightBrace) {
                braces -= 1
                if braces <= 0 {
                    advance()
                    return
                }
            }
            advance()
        }
    }

    private func startsItem(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .keyword(.normal), .keyword(.abnormal), .keyword(.test), .docComment, .punctuation(.at): true
        default: false
        }
    }

    private mutating func parseAttribute() -> AttributeSyntax? {
        let start = advance().range.start
        guard let name = expectIdentifier("an attribute name after `@`") else { return nil }
        var arguments: [ArgumentSyntax] = []
        if isPunctuation(.leftParen) {
            advance()
            arguments = parseArguments(closing: .rightParen, context: "to close the attribute's arguments")
        }
        return AttributeSyntax(name: name, arguments: arguments, range: SourceRange(start: start, end: previousEnd))
    }

    private mutating func parseRule(comments: [String], doc: [String], attributes: [AttributeSyntax], start: Int) -> RuleSyntax? {
        let kind: RuleKind = isKeyword(.normal) ? .normal : .abnormal
        advance()
        guard expectKeyword(.rule, "after `\(kind.rawValue)`"),
              let name = expectIdentifier("a rule name") else {
            recoverToItem()
            return nil
        }
        guard expect(.leftBrace, "to open the rule's body") else {
            recoverToItem()
            return nil
        }
        var bindings: [BindingSyntax] = []
        var condition: ExpressionSyntax?
        var conditionComments: [String] = []
        var comments = comments + takeCommentsBeforeItem()
        // A token that starts an item means the body's `}` is missing.
        while !isPunctuation(.rightBrace), !atEnd, !startsItem(current.kind) {
            let before = index
            if isKeyword(.let) {
                let bindingComments = takeComments()
                if var binding = parseBinding(comments: bindingComments) {
                    binding.comments += takeCommentsBeforeItem()
                    bindings.append(binding)
                } else {
                    comments += bindingComments + takeCommentsBeforeItem()
                }
            } else {
                let leading = takeComments()
                let expression = parseExpression()
                conditionComments += leading + takeCommentsBeforeItem()
                if case .invalid = expression.kind {
                    recoverToStatement()
                } else if let existing = condition {
                    diagnostics.append(Diagnostic(
                        .extraCondition, "a rule has exactly one condition", at: expression.range,
                        label: "second condition", secondary: [.init(existing.range, "first condition")],
                        help: ["combine the conditions with `and` or `or`"]))
                } else {
                    condition = expression
                }
            }
            if index == before { advance() }
        }
        let trailing = isPunctuation(.rightBrace) ? takeComments() : takeCommentsBeforeItem()
        let closed = expect(.rightBrace, "to close rule `\(name.name)`")
        if condition == nil, closed || atEnd {
            diagnostics.append(Diagnostic(
                .missingCondition, "rule `\(name.name)` has no condition", at: name.range,
                help: ["end the body with a Boolean expression, e.g. `any line in window: line contains \"ERROR\"`"]))
        }
        return RuleSyntax(comments: comments, doc: doc, attributes: attributes, kind: kind, name: name,
                          bindings: bindings, conditionComments: conditionComments, condition: condition,
                          trailingComments: trailing,
                          range: SourceRange(start: start, end: previousEnd))
    }

    /// Skips to the next `let`, `}` or item start after a bad statement.
    private mutating func recoverToStatement() {
        var nesting = 0
        while !atEnd {
            if nesting == 0, isKeyword(.let) || isPunctuation(.rightBrace) || startsItem(current.kind) { return }
            if isPunctuation(.leftParen) || isPunctuation(.leftBracket) || isPunctuation(.leftBrace) { nesting += 1 }
            if isPunctuation(.rightParen) || isPunctuation(.rightBracket) || isPunctuation(.rightBrace) { nesting = max(0, nesting - 1) }
            advance()
        }
    }

    private mutating func parseBinding(comments: [String]) -> BindingSyntax? {
        let start = advance().range.start
        guard let name = expectIdentifier("a name after `let`") else {
            recoverToStatement()
            return nil
        }
        guard expect(.assign, "after `let \(name.name)`") else {
            recoverToStatement()
            return nil
        }
        let value = parseExpression()
        if case .invalid = value.kind { recoverToStatement() }
        return BindingSyntax(comments: comments, name: name, value: value, range: SourceRange(start: start, end: previousEnd))
    }

    private mutating func parseTest(comments: [String], start: Int) -> TestSyntax? {
        advance()
        guard let name = expectString("the test's name as a string") else {
            recoverToItem()
            return nil
        }
        guard expectKeyword(.expect, "after the test's name") else {
            recoverToItem()
            return nil
        }
        let verdict: Verdict
        switch current.kind {
        case .keyword(.normal): verdict = .normal
        case .keyword(.abnormal): verdict = .abnormal
        case .identifier("undecided"): verdict = .undecided
        default:
            error(.expectedToken, "expected `normal`, `abnormal` or `undecided` after `expect`, found \(current.kind.displayName)",
                  at: current.range)
            recoverToItem()
            return nil
        }
        advance()
        var evidence: [Int]?
        var evidenceRange: SourceRange?
        if isKeyword(.evidence) {
            let evidenceStart = advance().range.start
            guard expect(.leftBracket, "after `evidence`") else {
                recoverToItem()
                return nil
            }
            var numbers: [Int] = []
            while !isPunctuation(.rightBracket), !atEnd {
                guard case .integer(let number) = current.kind else {
                    error(.expectedToken, "expected a line number in `evidence [...]`, found \(current.kind.displayName)", at: current.range)
                    recoverToItem()
                    return nil
                }
                numbers.append(number)
                advance()
                if !isPunctuation(.comma) { break }
                advance()
            }
            guard expect(.rightBracket, "to close the evidence list") else {
                recoverToItem()
                return nil
            }
            evidence = numbers
            evidenceRange = SourceRange(start: evidenceStart, end: previousEnd)
        }
        guard expect(.leftBrace, "to open the test's lines") else {
            recoverToItem()
            return nil
        }
        var lines: [StringLiteral] = []
        while !isPunctuation(.rightBrace), !atEnd {
            guard let line = expectString("a log line as a string literal") else {
                recoverToItem()
                return nil
            }
            lines.append(line)
        }
        expect(.rightBrace, "to close the test")
        return TestSyntax(comments: comments, name: name, expected: verdict, evidence: evidence,
                          evidenceRange: evidenceRange, lines: lines, range: SourceRange(start: start, end: previousEnd))
    }

    // MARK: - Expressions

    /// Parses an expression whose operators bind at least as tightly as `minimumPrecedence`.
    private mutating func parseExpression(_ minimumPrecedence: Int = 1) -> ExpressionSyntax {
        guard enterNesting() else { return ExpressionSyntax(.invalid, range: current.range) }
        defer { depth -= 1 }
        var left = parseUnary()
        // Each operator in a chain deepens the left-nested tree, so it counts as nesting too.
        var chained = 0
        defer { depth -= chained }
        while let op = binaryOperator(current.kind), op.precedence >= minimumPrecedence {
            guard enterNesting() else { return ExpressionSyntax(.invalid, range: current.range) }
            chained += 1
            advance()
            let right = parseExpression(op.precedence + 1)
            left = ExpressionSyntax(.binary(op, left, right), range: left.range.union(right.range))
            if case .invalid = right.kind { return left }
        }
        return left
    }

    /// Counts one level of nesting; reports and abandons the expression past the limit.
    private mutating func enterNesting() -> Bool {
        depth += 1
        guard depth > Self.maximumNestingDepth else { return true }
        depth -= 1
        error(.nestingTooDeep, "expression nested more than \(Self.maximumNestingDepth) levels deep", at: current.range,
              help: ["bind parts of the expression with `let`"])
        recoverToStatement()
        lastErrorIndex = index
        return false
    }

    private func binaryOperator(_ kind: Token.Kind) -> BinaryOperator? {
        switch kind {
        case .keyword(.or): .or
        case .keyword(.and): .and
        case .keyword(.contains): .contains
        case .keyword(.startswith): .startswith
        case .keyword(.endswith): .endswith
        case .keyword(.matches): .matches
        case .keyword(.in): .in
        case .punctuation(let punctuation):
            switch punctuation {
            case .equal: .equal
            case .notEqual: .notEqual
            case .less: .less
            case .lessEqual: .lessEqual
            case .greater: .greater
            case .greaterEqual: .greaterEqual
            case .plus: .add
            case .minus: .subtract
            case .star: .multiply
            case .slash: .divide
            case .percent: .remainder
            default: nil
            }
        default: nil
        }
    }

    private mutating func parseUnary() -> ExpressionSyntax {
        if isKeyword(.not) {
            let start = advance().range.start
            let operand = parseExpression(notPrecedence)
            return ExpressionSyntax(.unary(.not, operand), range: SourceRange(start: start, end: operand.range.end))
        }
        if isPunctuation(.minus) {
            guard enterNesting() else { return ExpressionSyntax(.invalid, range: current.range) }
            defer { depth -= 1 }
            let start = advance().range.start
            let operand = parseUnary()
            return ExpressionSyntax(.unary(.negate, operand), range: SourceRange(start: start, end: operand.range.end))
        }
        return parsePostfix()
    }

    private mutating func parsePostfix() -> ExpressionSyntax {
        var expression = parsePrimary()
        while isPunctuation(.dot) {
            advance()
            guard let member = expectIdentifier("a member name after `.`") else { return expression }
            expression = ExpressionSyntax(.member(expression, member), range: expression.range.union(member.range))
        }
        return expression
    }

    private mutating func parsePrimary() -> ExpressionSyntax {
        let token = current
        switch token.kind {
        case .keyword(.true): advance(); return ExpressionSyntax(.boolean(true), range: token.range)
        case .keyword(.false): advance(); return ExpressionSyntax(.boolean(false), range: token.range)
        case .integer(let value): advance(); return ExpressionSyntax(.integer(value), range: token.range)
        case .float(let value, let spelling): advance(); return ExpressionSyntax(.float(value, spelling: spelling), range: token.range)
        case .duration(let milliseconds, let spelling):
            advance()
            return ExpressionSyntax(.duration(milliseconds: milliseconds, spelling: spelling), range: token.range)
        case .string(let value): advance(); return ExpressionSyntax(.string(value), range: token.range)
        case .regex(let literal): advance(); return ExpressionSyntax(.regex(literal), range: token.range)
        case .punctuation(.leftParen):
            advance()
            let inner = parseExpression()
            if case .invalid = inner.kind { return inner }
            expect(.rightParen, "to close the parenthesis")
            return ExpressionSyntax(inner.kind, range: SourceRange(start: token.range.start, end: previousEnd))
        case .punctuation(.leftBracket):
            guard enterNesting() else { return ExpressionSyntax(.invalid, range: current.range) }
            defer { depth -= 1 }
            advance()
            var elements: [ExpressionSyntax] = []
            while !isPunctuation(.rightBracket), !atEnd {
                let element = parseExpression()
                if case .invalid = element.kind { return element }
                elements.append(element)
                if !isPunctuation(.comma) { break }
                advance()
            }
            expect(.rightBracket, "to close the list")
            return ExpressionSyntax(.list(elements), range: SourceRange(start: token.range.start, end: previousEnd))
        case .identifier(let name):
            if let quantifier = Quantifier(rawValue: name), case .identifier = peekKind(1), isKeyword(.in, peekKind(2)) {
                return parseQuantifier(quantifier)
            }
            advance()
            // A call's `(` follows the name directly; `errors (x)` is a name and a parenthesis.
            if isPunctuation(.leftParen), current.range.start == token.range.end {
                guard enterNesting() else { return ExpressionSyntax(.invalid, range: current.range) }
                defer { depth -= 1 }
                advance()
                let arguments = parseArguments(closing: .rightParen, context: "to close the call to `\(name)`")
                return ExpressionSyntax(.call(Identifier(name, range: token.range), arguments),
                                  range: SourceRange(start: token.range.start, end: previousEnd))
            }
            return ExpressionSyntax(.name(name), range: token.range)
        default:
            var help: [String] = []
            if case .keyword(let keyword) = token.kind, [.contains, .startswith, .endswith, .matches].contains(keyword) {
                help.append("`\(keyword.rawValue)` needs a value on its left, e.g. `line \(keyword.rawValue) ...`")
            }
            error(.expectedExpression, "expected an expression, found \(token.kind.displayName)", at: token.range, help: help)
            return ExpressionSyntax(.invalid, range: token.range)
        }
    }

    private mutating func parseQuantifier(_ quantifier: Quantifier) -> ExpressionSyntax {
        guard enterNesting() else { return ExpressionSyntax(.invalid, range: current.range) }
        defer { depth -= 1 }
        let start = advance().range.start
        guard case .identifier(let variableName) = current.kind else { return ExpressionSyntax(.invalid, range: current.range) }
        let variable = Identifier(variableName, range: advance().range)
        advance() // `in`
        let source = parseExpression(BinaryOperator.add.precedence)
        if case .invalid = source.kind { return source }
        if quantifier.usesWhere {
            guard expectKeyword(.where, "after `\(quantifier.rawValue) \(variableName) in ...`") else {
                return ExpressionSyntax(.invalid, range: current.range)
            }
        } else if !expect(.colon, "after `\(quantifier.rawValue) \(variableName) in ...`") {
            return ExpressionSyntax(.invalid, range: current.range)
        }
        let predicate = parseExpression()
        return ExpressionSyntax(.quantifier(quantifier, variable: variable, source: source, predicate: predicate),
                          range: SourceRange(start: start, end: predicate.range.end))
    }

    /// Parses `label: value` or `value` arguments up to `closing`.
    private mutating func parseArguments(closing: Punctuation, context: String) -> [ArgumentSyntax] {
        var arguments: [ArgumentSyntax] = []
        while !isPunctuation(closing), !atEnd {
            var label: Identifier?
            if case .identifier(let name) = current.kind, isPunctuation(.colon, peekKind(1)) {
                label = Identifier(name, range: advance().range)
                advance()
            }
            let value = parseExpression()
            if case .invalid = value.kind { return arguments }
            arguments.append(ArgumentSyntax(label: label, value: value))
            if !isPunctuation(.comma) { break }
            advance()
        }
        expect(closing, context)
        return arguments
    }
}

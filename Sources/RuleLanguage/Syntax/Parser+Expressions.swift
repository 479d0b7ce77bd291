/// Expressions by precedence climbing: binary operators, unary, postfix members, primaries, quantifiers and call arguments.
extension Parser {
    /// Parses an expression whose operators bind at least as tightly as `minimumPrecedence`.
    mutating func parseExpression(_ minimumPrecedence: Int = 1) -> ExpressionSyntax {
        guard enterNesting() else { return ExpressionSyntax(.invalid, range: current.range) }
        defer { depth -= 1 }
        var left = parseUnary()
        // Each operator in a chain deepens the left-nested tree, so it counts as nesting too;
        // a run of `and` or `or` is associative and becomes a balanced tree, one level however long.
        var chained = 0
        defer { depth -= chained; chainDepth -= chained }
        while let op = binaryOperator(current.kind), op.precedence >= minimumPrecedence {
            if op == .and || op == .or {
                var operands = [left]
                while binaryOperator(current.kind) == op {
                    advance()
                    let operand = parseExpression(op.precedence + 1)
                    operands.append(operand)
                    if case .invalid = operand.kind { break }
                }
                left = balanced(op, operands[...])
                if case .invalid = operands.last!.kind { return left }
                continue
            }
            if chained > 0 { chainOperator = op }
            guard enterNesting() else { return ExpressionSyntax(.invalid, range: current.range) }
            chained += 1
            chainDepth += 1
            advance()
            let right = parseExpression(op.precedence + 1)
            left = ExpressionSyntax(.binary(op, left, right), range: left.range.union(right.range))
            if case .invalid = right.kind { return left }
        }
        return left
    }

    /// The operands of a run of one associative operator as a tree of depth log2 of their count,
    /// so that walking it never recurses deeper than the chain's length allows.
    func balanced(_ op: BinaryOperator, _ operands: ArraySlice<ExpressionSyntax>) -> ExpressionSyntax {
        guard operands.count > 1 else { return operands.first! }
        let middle = operands.startIndex + operands.count / 2
        let left = balanced(op, operands[..<middle]), right = balanced(op, operands[middle...])
        return ExpressionSyntax(.binary(op, left, right), range: left.range.union(right.range))
    }

    /// Counts one level of nesting (an operator of a chain counts as one, since
    /// the chain's tree is as deep as it is long); reports and abandons the
    /// expression past the limit.
    mutating func enterNesting() -> Bool {
        depth += 1
        guard depth > Self.maximumNestingDepth else { return true }
        depth -= 1
        // Mostly a long chain, not parentheses or calls: say so.
        if let op = chainOperator, chainDepth * 2 >= depth {
            error(.nestingTooDeep, "this `\(op.rawValue)` makes the expression more than \(Self.maximumNestingDepth) levels deep: each operator of a chain "
                  + "other than `and` and `or` counts as a level", at: current.range, help: ["bind parts of the expression with `let`"])
        } else {
            error(.nestingTooDeep, "expression nested more than \(Self.maximumNestingDepth) levels deep", at: current.range,
                  help: ["bind parts of the expression with `let`"])
        }
        recoverToStatement()
        lastErrorIndex = index
        return false
    }

    func binaryOperator(_ kind: Token.Kind) -> BinaryOperator? {
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

    mutating func parseUnary() -> ExpressionSyntax {
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

    mutating func parsePostfix() -> ExpressionSyntax {
        var expression = parsePrimary()
        while isPunctuation(.dot) {
            advance()
            guard let member = expectIdentifier("a member name after `.`") else { return expression }
            expression = ExpressionSyntax(.member(expression, member), range: expression.range.union(member.range))
        }
        return expression
    }

    mutating func parsePrimary() -> ExpressionSyntax {
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

    mutating func parseQuantifier(_ quantifier: Quantifier) -> ExpressionSyntax {
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
    mutating func parseArguments(closing: Punctuation, context: String) -> [ArgumentSyntax] {
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

import WardenCore

/// Rules: `KIND rule NAME { let ...; condition }`, with recovery between statements.
extension Parser {
    mutating func parseRule(comments: [String], doc: [String], attributes: [AttributeSyntax], start: Int) -> RuleSyntax? {
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
        // A statement that did not parse may have been the condition: saying "no condition" then is a follow-on error.
        var statementFailed = false
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
                    statementFailed = true
                    comments += bindingComments + takeCommentsBeforeItem()
                }
            } else {
                let leading = takeComments()
                let expression = parseExpression()
                conditionComments += leading + takeCommentsBeforeItem()
                if case .invalid = expression.kind {
                    statementFailed = true
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
        if condition == nil, !statementFailed, closed || atEnd {
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
    mutating func recoverToStatement() {
        var nesting = 0
        while !atEnd {
            if nesting == 0, isKeyword(.let) || isPunctuation(.rightBrace) || startsItem(current.kind) { return }
            if isPunctuation(.leftParen) || isPunctuation(.leftBracket) || isPunctuation(.leftBrace) { nesting += 1 }
            if isPunctuation(.rightParen) || isPunctuation(.rightBracket) || isPunctuation(.rightBrace) { nesting = max(0, nesting - 1) }
            advance()
        }
    }

    mutating func parseBinding(comments: [String]) -> BindingSyntax? {
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
}

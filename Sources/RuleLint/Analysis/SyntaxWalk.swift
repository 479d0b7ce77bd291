import RuleLanguage

extension ExpressionSyntax {
    /// Calls `visit` on this node and every node below it, parents first.
    func walk(_ visit: (ExpressionSyntax) -> Void) {
        visit(self)
        switch kind {
        case .list(let elements): elements.forEach { $0.walk(visit) }
        case .unary(_, let operand): operand.walk(visit)
        case .binary(_, let left, let right):
            left.walk(visit)
            right.walk(visit)
        case .call(_, let arguments): arguments.forEach { $0.value.walk(visit) }
        case .member(let base, _): base.walk(visit)
        case .quantifier(_, _, let source, let predicate):
            source.walk(visit)
            predicate.walk(visit)
        case .boolean, .integer, .float, .duration, .string, .regex, .name, .invalid: break
        }
    }

    /// The node at `range`, if any (a typed expression's range names the node it came from).
    func node(at range: SourceRange) -> ExpressionSyntax? {
        var found: ExpressionSyntax?
        walk { if found == nil, $0.range == range { found = $0 } }
        return found
    }
}

extension RuleSyntax {
    /// Every expression of the rule: binding values, then the condition.
    var expressions: [ExpressionSyntax] {
        bindings.map(\.value) + (condition.map { [$0] } ?? [])
    }

    /// Calls `visit` on every node of every expression of the rule.
    func walk(_ visit: (ExpressionSyntax) -> Void) {
        for expression in expressions { expression.walk(visit) }
    }
}

extension TypedExpression {
    /// Calls `visit` on this node and every node below it, parents first (bindings are not entered).
    func walk(_ visit: (TypedExpression) -> Void) {
        visit(self)
        switch kind {
        case .list(let elements): elements.forEach { $0.walk(visit) }
        case .not(let operand), .negate(let operand), .intToFloat(let operand): operand.walk(visit)
        case .binary(_, let left, let right):
            left.walk(visit)
            right.walk(visit)
        case .call(_, let arguments): arguments.forEach { $0.walk(visit) }
        case .member(_, let base): base.walk(visit)
        case .quantifier(_, _, let source, let predicate):
            source.walk(visit)
            predicate.walk(visit)
        case .lineTest(_, let line): line.walk(visit)
        case .boolean, .integer, .float, .duration, .string, .regex, .binding, .variable, .window, .group: break
        }
    }
}

extension CheckedRule {
    /// Every typed expression of the rule: binding values, then the condition.
    var expressions: [TypedExpression] { bindings.map(\.value) + [condition] }

    /// Whether the rule looks at line text through the pack's line tests (`contains`, `matches`, …),
    /// a list of regexes (`line matches routine`) included.
    var usesLineTests: Bool {
        var found = false
        for expression in expressions {
            expression.walk { expression in
                switch expression.kind {
                case .lineTest, .binary(.matches, _, _): found = true
                default: break
                }
            }
        }
        return found
    }
}

/// Building replacement text for fix-its from syntax, so it is printed as the formatter prints it.
enum SyntaxText {
    static func string(_ value: String) -> String {
        Formatter().expression(ExpressionSyntax(.string(value), range: SourceRange(start: 0, end: 0)))
    }

    static func regex(_ pattern: String, flags: String = "") -> String {
        "/" + pattern + "/" + flags
    }
}

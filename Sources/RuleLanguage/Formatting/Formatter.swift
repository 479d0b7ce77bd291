/// Prints a pack in Warden's one canonical layout: four-space indentation, one
/// attribute per line, one blank line between items, minimal parentheses. It
/// keeps every comment and is idempotent: formatting formatted text changes nothing.
public struct Formatter: Sendable {
    public static let indent = "    "

    public init() {}

    /// Formats source text. Returns `nil` when it has syntax errors (a pack that
    /// does not parse is never rewritten).
    public func format(_ file: SourceFile) -> String? {
        let (syntax, diagnostics) = Parser.parse(file)
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return nil }
        return format(syntax)
    }

    /// Formats a syntax tree.
    public func format(_ pack: PackSyntax) -> String {
        var blocks: [[String]] = []
        if let header = pack.header {
            var lines = commentLines(header.comments, indent: "") + header.doc.map { docLine($0, indent: "") }
            var text = "pack \(header.name.name) version \(quote(header.version.value))"
            if let description = header.description { text += " description \(quote(description.value))" }
            lines.append(text)
            blocks.append(lines)
        }
        for item in pack.items {
            switch item {
            case .rule(let rule): blocks.append(format(rule))
            case .test(let test): blocks.append(format(test))
            }
        }
        if !pack.trailingComments.isEmpty { blocks.append(commentLines(pack.trailingComments, indent: "")) }
        return blocks.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    /// A rule as it behaves: its canonical text without comments or doc lines (two rules
    /// with the same form are the same rule, however they were written).
    public func canonicalForm(of rule: RuleSyntax) -> String {
        format(rule, comments: false).joined(separator: "\n")
    }

    private func format(_ rule: RuleSyntax, comments: Bool = true) -> [String] {
        func commentLines(_ text: [String], indent: String) -> [String] { comments ? self.commentLines(text, indent: indent) : [] }
        var lines = commentLines(rule.comments, indent: "") + (comments ? rule.doc.map { docLine($0, indent: "") } : [])
        for attribute in rule.attributes {
            var text = "@\(attribute.name.name)"
            if !attribute.arguments.isEmpty {
                text += "(" + attribute.arguments.map(format).joined(separator: ", ") + ")"
            }
            lines.append(text)
        }
        lines.append("\(rule.kind.rawValue) rule \(rule.name.name) {")
        for binding in rule.bindings {
            lines += commentLines(binding.comments, indent: Self.indent)
            lines.append(Self.indent + "let \(binding.name.name) = " + expression(binding.value))
        }
        lines += commentLines(rule.conditionComments, indent: Self.indent)
        if let condition = rule.condition {
            // After a binding, a condition beginning with `-` would continue the binding's value.
            let text = expression(condition)
            lines.append(Self.indent + (text.hasPrefix("-") && !rule.bindings.isEmpty ? "(" + text + ")" : text))
        }
        lines += commentLines(rule.trailingComments, indent: Self.indent)
        lines.append("}")
        return lines
    }

    private func format(_ test: TestSyntax) -> [String] {
        var lines = commentLines(test.comments, indent: "")
        var header = "test \(quote(test.name.value)) expect \(test.expected.rawValue)"
        if let evidence = test.evidence {
            header += " evidence [" + evidence.map(String.init).joined(separator: ", ") + "]"
        }
        lines.append(header + " {")
        lines += test.lines.map { Self.indent + quote($0.value) }
        lines.append("}")
        return lines
    }

    private func commentLines(_ comments: [String], indent: String) -> [String] {
        comments.map { indent + $0.trimmingTrailingWhitespace() }
    }

    private func docLine(_ text: String, indent: String) -> String {
        let trimmed = text.trimmingTrailingWhitespace()
        return indent + (trimmed.isEmpty ? "///" : "/// " + trimmed)
    }

    private func format(_ argument: ArgumentSyntax) -> String {
        (argument.label.map { "\($0.name): " } ?? "") + expression(argument.value)
    }

    // MARK: - Expressions

    /// Prints an expression with the parentheses its structure needs and no others.
    public func expression(_ node: ExpressionSyntax) -> String {
        switch node.kind {
        case .boolean(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .float(_, let spelling): return spelling
        case .duration(_, let spelling): return spelling
        case .string(let value): return quote(value)
        case .regex(let literal): return "/" + literal.patternText + "/" + literal.flags
        case .list(let elements): return "[" + elements.map(expression).joined(separator: ", ") + "]"
        case .name(let name): return name
        case .invalid: return "<invalid>"
        case .unary(.not, let operand):
            // `not (a contains b)` reads better than the equivalent `not a contains b`.
            return "not " + operandText(operand, needsParentheses: precedence(of: operand) < notPrecedence || isBinary(operand))
        case .unary(.negate, let operand):
            return "-" + operandText(operand, needsParentheses: precedence(of: operand) < Self.tightest)
        case .binary(let op, _, _) where op == .and || op == .or:
            // A run of one associative operator prints flat, whatever its tree's shape;
            // `and` inside `or` is parenthesised although it binds tighter: readers should not need the table.
            return operands(of: op, node).map { operand in
                operandText(operand, needsParentheses: precedence(of: operand) <= op.precedence || isAnd(operand) && op == .or)
            }.joined(separator: " \(op.rawValue) ")
        case .binary(let op, let left, let right):
            let leftText = operandText(left, needsParentheses: precedence(of: left) < op.precedence || isAnd(left) && op == .or)
            let rightText = operandText(right, needsParentheses: precedence(of: right) <= op.precedence || isAnd(right) && op == .or)
            return "\(leftText) \(op.rawValue) \(rightText)"
        case .call(let name, let arguments):
            return name.name + "(" + arguments.map(format).joined(separator: ", ") + ")"
        case .member(let base, let member):
            return operandText(base, needsParentheses: precedence(of: base) < Self.postfix) + "." + member.name
        case .quantifier(let quantifier, let variable, let source, let predicate):
            let sourceText = operandText(source, needsParentheses: precedence(of: source) < BinaryOperator.add.precedence)
            let separator = quantifier.usesWhere ? " where " : ": "
            return "\(quantifier.rawValue) \(variable.name) in \(sourceText)\(separator)\(expression(predicate))"
        }
    }

    private static let tightest = 7
    private static let postfix = 8

    /// How tightly an expression holds together when it is an operand. A
    /// quantifier's predicate extends to the right as far as it can, so a
    /// quantifier used as an operand always needs parentheses.
    private func precedence(of node: ExpressionSyntax) -> Int {
        switch node.kind {
        case .binary(let op, _, _): op.precedence
        case .unary(.not, _): notPrecedence
        case .unary(.negate, _): Self.tightest
        case .quantifier: 0
        case .member: Self.postfix
        default: Self.postfix + 1
        }
    }

    /// The operands of a run of `op`, left to right (`op` nodes under `op` are the same run).
    private func operands(of op: BinaryOperator, _ node: ExpressionSyntax) -> [ExpressionSyntax] {
        guard case .binary(op, let left, let right) = node.kind else { return [node] }
        return operands(of: op, left) + operands(of: op, right)
    }

    private func isBinary(_ node: ExpressionSyntax) -> Bool {
        if case .binary = node.kind { return true }
        return false
    }

    private func isAnd(_ node: ExpressionSyntax) -> Bool {
        if case .binary(.and, _, _) = node.kind { return true }
        return false
    }

    private func operandText(_ node: ExpressionSyntax, needsParentheses: Bool) -> String {
        needsParentheses ? "(" + expression(node) + ")" : expression(node)
    }
}

/// A string literal in rule-language syntax: quotes, backslashes and control
/// characters escaped; other characters written as they are.
public func quote(_ value: String) -> String {
    var text = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\\": text += "\\\\"
        case "\"": text += "\\\""
        case "\n": text += "\\n"
        case "\r": text += "\\r"
        case "\t": text += "\\t"
        case "\0": text += "\\0"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.properties.generalCategory == .format && scalar.value > 0x7F)
                || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator {
                text += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
    }
    return text + "\""
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var result = self
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result.removeLast() }
        return result
    }
}

/// Renders ``SwiftFile`` values as Swift source: four-space indentation,
/// deterministic layout, and literals escaped so that no text from a rule
/// file can end a literal or a comment early.
struct SwiftRenderer {
    private let indentUnit = "    "
    /// Closures whose single-line form would exceed this width go on several lines.
    private let lineWidth = 100

    func render(_ file: SwiftFile) -> String {
        var lines = file.header.map { "// " + Self.commentText($0) }
        lines.append("")
        lines += file.imports.map { "import \($0)" }
        for type in file.types {
            lines.append("")
            lines += render(type)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func render(_ type: SwiftType, indent: Int = 0) -> [String] {
        let pad = String(repeating: indentUnit, count: indent)
        var lines = type.documentation.map { pad + Self.docLine($0) }
        let conformances = type.conformances.isEmpty ? "" : ": " + type.conformances.joined(separator: ", ")
        lines.append(pad + (type.modifiers + [type.kind, type.name]).joined(separator: " ") + conformances + " {")
        var members: [[String]] = type.properties.map { render($0, indent: indent + 1) }
        members += type.functions.map { render($0, indent: indent + 1) }
        members += type.nested.map { render($0, indent: indent + 1) }
        for (index, member) in members.enumerated() {
            if index > 0 { lines.append("") }
            lines += member
        }
        lines.append(pad + "}")
        return lines
    }

    private func render(_ property: SwiftProperty, indent: Int) -> [String] {
        let pad = String(repeating: indentUnit, count: indent)
        var lines = property.documentation.map { pad + Self.docLine($0) }
        let head = pad + (property.modifiers + ["let", property.name]).joined(separator: " ") + ": \(property.type) = "
        if case .array(let elements, _) = property.value, !property.elementComments.isEmpty {
            lines.append(head + "[")
            for (element, comment) in zip(elements, property.elementComments) {
                lines.append(pad + indentUnit + "// " + Self.commentText(comment))
                lines.append(pad + indentUnit + expression(element, indent: indent + 1) + ",")
            }
            lines.append(pad + "]")
            return lines
        }
        lines.append(head + expression(property.value, indent: indent))
        return lines
    }

    private func render(_ function: SwiftFunction, indent: Int) -> [String] {
        let pad = String(repeating: indentUnit, count: indent)
        var lines = function.documentation.map { pad + Self.docLine($0) }
        var signature = (function.modifiers + ["func"]).joined(separator: " ") + " \(function.name)(\(function.parameters.joined(separator: ", ")))"
        if let throwsType = function.throwsType { signature += " throws(\(throwsType))" }
        signature += " -> \(function.returnType) {"
        lines.append(pad + signature)
        lines += statements(function.body, indent: indent + 1)
        lines.append(pad + "}")
        return lines
    }

    private func statements(_ statements: [SwiftStatement], indent: Int) -> [String] {
        let pad = String(repeating: indentUnit, count: indent)
        var lines: [String] = []
        for statement in statements {
            switch statement {
            case .expression(let value):
                lines.append(pad + expression(value, indent: indent))
            case .returnValue(let value):
                lines.append(pad + "return " + expression(value, indent: indent))
            case .constant(let name, let type, let value):
                lines.append(pad + "let \(name)\(type.map { ": \($0)" } ?? "") = " + expression(value, indent: indent))
            case .variable(let name, let type, let value):
                lines.append(pad + "var \(name): \(type)" + (value.map { " = " + expression($0, indent: indent) } ?? ""))
            case .assign(let name, let value):
                lines.append(pad + "\(name) = " + expression(value, indent: indent))
            case .ifLet(let name, let body):
                lines.append(pad + "if let \(name) {")
                lines += self.statements(body, indent: indent + 1)
                lines.append(pad + "}")
            case .function(let function):
                lines += render(function, indent: indent)
            }
        }
        return lines
    }

    /// Renders an expression starting at the current position; continuation
    /// lines are indented relative to `indent`.
    func expression(_ value: SwiftExpression, indent: Int) -> String {
        switch value {
        case .name(let name): return name
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return number == Int.min ? "Int.min" : String(number)
        case .int64(let number): return number == Int64.min ? "Int64.min" : "Int64(\(number))"
        case .double(let number): return Self.doubleLiteral(number)
        case .string(let text): return Self.stringLiteral(text)
        case .array(let elements, let elementType):
            if elements.isEmpty { return "[\(elementType)]()" }
            return list("[", elements.map { expression($0, indent: indent + 1) }, "]", indent: indent)
        case .member(let base, let name): return expression(base, indent: indent) + "." + name
        case .call(let callee, let arguments, let trailing):
            var text = expression(callee, indent: indent)
            if !arguments.isEmpty || trailing == nil {
                text += list("(", arguments.map { argument in
                    (argument.label.map { "\($0): " } ?? "") + expression(argument.value, indent: indent + 1)
                }, ")", indent: indent)
            }
            if let trailing { text += " " + closure(trailing, indent: indent) }
            return text
        case .binary(let lhs, let op, let rhs):
            // `try` may not appear right of an operator: parenthesise it there.
            return expression(operand(lhs), indent: indent) + " \(op) " + expression(guarded(rhs), indent: indent)
        case .prefix(let op, let operand): return op + expression(guarded(operand), indent: indent)
        case .tryExpression(let operand): return "try " + expression(operand, indent: indent)
        case .parenthesized(let operand): return "(" + expression(operand, indent: indent) + ")"
        case .closure(let body): return closure(body, indent: indent)
        }
    }

    /// A left operand: nested operators are parenthesised so the tree's grouping survives.
    private func operand(_ operand: SwiftExpression) -> SwiftExpression {
        if case .binary = operand { return .parenthesized(operand) }
        return operand
    }

    /// A right operand or prefix operand: nested operators and `try` are parenthesised.
    private func guarded(_ operand: SwiftExpression) -> SwiftExpression {
        if Self.startsWithTry(operand) { return .parenthesized(operand) }
        if case .binary = operand { return .parenthesized(operand) }
        return operand
    }

    /// Whether the rendered expression begins with `try`.
    private static func startsWithTry(_ expression: SwiftExpression) -> Bool {
        switch expression {
        case .tryExpression: true
        case .member(let base, _): startsWithTry(base)
        case .call(let callee, _, _): startsWithTry(callee)
        default: false
        }
    }

    /// Comma-separated items on one line when short, else one per line.
    private func list(_ open: String, _ items: [String], _ close: String, indent: Int) -> String {
        let single = open + items.joined(separator: ", ") + close
        if !single.contains("\n"), single.count + indent * 4 <= lineWidth - 20 { return single }
        let pad = String(repeating: indentUnit, count: indent + 1)
        return open + "\n" + items.map { pad + $0 + ",\n" }.joined() + String(repeating: indentUnit, count: indent) + close
    }

    private func closure(_ closure: SwiftClosure, indent: Int) -> String {
        let parameters = closure.parameters.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
        let head = "{ (\(parameters)) throws(RuleFailure) -> \(closure.returnType) in"
        let body = statements(closure.body, indent: indent + 1)
        return ([head] + body + [String(repeating: indentUnit, count: indent) + "}"]).joined(separator: "\n")
    }

    // MARK: Escaping

    /// A Swift string literal for `text`: printable ASCII except `"` and `\`
    /// verbatim, everything else as `\u{…}` escapes. Nothing inside can end
    /// the literal or start an interpolation. (Not the rule language's `quote`,
    /// deliberately: that one keeps non-ASCII text readable, this one keeps
    /// generated Swift pure ASCII.)
    static func stringLiteral(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out + "\""
    }

    /// A Double literal that reads back as exactly the same value.
    static func doubleLiteral(_ value: Double) -> String {
        if value.isNaN { return "Double.nan" }
        if value.isInfinite { return value < 0 ? "-Double.infinity" : "Double.infinity" }
        let text = "\(value)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    /// A `///` line (no trailing space when empty).
    static func docLine(_ text: String) -> String {
        text.isEmpty ? "///" : "/// " + commentText(text)
    }

    /// Comment text on one line: control characters (line breaks included)
    /// become spaces, and `*/` cannot close anything in a `//` comment anyway.
    static func commentText(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" ? " " : scalar
        }))
    }
}

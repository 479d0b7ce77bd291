import Foundation
@testable import RuleLanguage
import TestSupport

extension Repository {
    /// A repository file as a source file named by its repository-relative path.
    static func source(_ url: URL) throws -> SourceFile {
        let relative = url.path.replacingOccurrences(of: root.path + "/", with: "")
        return SourceFile(path: relative, bytes: Array(try Data(contentsOf: url)))
    }
}


/// A structural dump of a syntax tree without source ranges or comments, for
/// comparing trees that were printed and parsed again.
enum SyntaxDump {
    static func dump(_ pack: PackSyntax) -> String {
        var lines: [String] = []
        if let header = pack.header {
            lines.append("pack \(header.name.name) \(header.version.value) \(header.description?.value ?? "-") doc=\(header.doc)")
        }
        for item in pack.items {
            switch item {
            case .rule(let rule):
                lines.append("rule \(rule.kind) \(rule.name.name) doc=\(rule.doc)")
                for attribute in rule.attributes {
                    lines.append("  @\(attribute.name.name)(" + attribute.arguments.map(argument).joined(separator: ", ") + ")")
                }
                for binding in rule.bindings { lines.append("  let \(binding.name.name) = \(expression(binding.value))") }
                lines.append("  " + (rule.condition.map(expression) ?? "<none>"))
            case .test(let test):
                lines.append("test \(test.name.value) \(test.expected) \(test.evidence.map { "\($0)" } ?? "-") \(test.lines.map(\.value))")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func argument(_ argument: ArgumentSyntax) -> String {
        (argument.label.map { $0.name + ":" } ?? "") + expression(argument.value)
    }

    static func expression(_ node: ExpressionSyntax) -> String {
        switch node.kind {
        case .boolean(let value): return "\(value)"
        case .integer(let value): return "int(\(value))"
        case .float(let value, _): return "float(\(value))"
        case .duration(let milliseconds, _): return "ms(\(milliseconds))"
        case .string(let value): return "str(\(value.debugDescription))"
        case .regex(let literal): return "re(\(literal.patternText.debugDescription),\(literal.flags))"
        case .list(let elements): return "[" + elements.map(expression).joined(separator: " ") + "]"
        case .name(let name): return name
        case .unary(let op, let operand): return "(\(op.rawValue) \(expression(operand)))"
        case .binary(let op, _, _) where op == .and || op == .or:
            // `and` and `or` are associative: a run of one is its operands, whatever the tree's shape.
            return "(\(op.rawValue) " + operands(of: op, node).map(expression).joined(separator: " ") + ")"
        case .binary(let op, let left, let right): return "(\(op.rawValue) \(expression(left)) \(expression(right)))"
        case .call(let name, let arguments): return "(call \(name.name) " + arguments.map(argument).joined(separator: " ") + ")"
        case .member(let base, let member): return "(. \(expression(base)) \(member.name))"
        case .quantifier(let quantifier, let variable, let source, let predicate):
            return "(\(quantifier.rawValue) \(variable.name) \(expression(source)) \(expression(predicate)))"
        case .invalid: return "<invalid>"
        }
    }

    static func operands(of op: BinaryOperator, _ node: ExpressionSyntax) -> [ExpressionSyntax] {
        guard case .binary(op, let left, let right) = node.kind else { return [node] }
        return operands(of: op, left) + operands(of: op, right)
    }

    /// Every comment in a tree, in order.
    static func comments(_ pack: PackSyntax) -> [String] {
        var all = pack.header?.comments ?? []
        for item in pack.items {
            switch item {
            case .rule(let rule):
                all += rule.comments + rule.bindings.flatMap(\.comments) + rule.conditionComments + rule.trailingComments
            case .test(let test):
                all += test.comments
            }
        }
        return all + pack.trailingComments
    }
}

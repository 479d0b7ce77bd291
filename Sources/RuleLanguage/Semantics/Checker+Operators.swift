import PCRE2
import WardenCore

/// Operators: logic, comparison, text tests, membership and arithmetic, with their promotions.
extension Checker {
    mutating func checkBinary(
        _ op: BinaryOperator, _ left: TypedExpression, _ right: TypedExpression, range: SourceRange
    ) -> TypedExpression {
        func result(_ type: ValueType, _ l: TypedExpression = left, _ r: TypedExpression = right) -> TypedExpression {
            TypedExpression(kind: .binary(op, l, r), type: type, range: range)
        }
        if left.type == .error || right.type == .error {
            let type: ValueType = [.and, .or, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual,
                                   .contains, .startswith, .endswith, .matches, .in].contains(op) ? .bool : .error
            return result(type)
        }
        switch op {
        case .and, .or:
            requireBool(left, "the left operand of `\(op.rawValue)`")
            requireBool(right, "the right operand of `\(op.rawValue)`")
            return result(.bool)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            let ordered = op != .equal && op != .notEqual
            if left.type.isNumeric, right.type.isNumeric {
                let (l, r) = promote(left, right)
                return result(.bool, l, r)
            }
            let comparable: [ValueType] = ordered ? [.string, .duration] : [.string, .duration, .bool]
            if left.type == right.type, comparable.contains(left.type) { return result(.bool) }
            var help: [String] = []
            var fixIts: [Diagnostic.FixIt] = []
            if case .string(let text) = right.kind, left.type.isNumeric, Double(text) != nil {
                help.append("remove the quotes to compare with the number \(text)")
                fixIts.append(Diagnostic.FixIt("remove the quotes", edits: [.init(range: right.range, replacement: text)]))
            } else if left.type == .line, right.type == .string {
                help.append("compare the line's text: `\(lineVariableName(left)).text`, or use `contains`")
            }
            report(.incomparableTypes, "cannot compare `\(left.type)` with `\(right.type)`",
                   at: operatorRange(left, right, range), label: nil,
                   secondary: [.init(left.range, "this is \(article(left.type))"), .init(right.range, "this is \(article(right.type))")],
                   help: help, fixIts: fixIts)
            return result(.bool)
        case .contains, .startswith, .endswith:
            let l = requireText(left, op)
            guard right.type.isText else {
                report(.typeMismatch, "`\(op.rawValue)` expects a `String` on its right, found `\(right.type)`",
                       at: right.range, label: "expected `String`, found `\(right.type)`",
                       help: right.type == .regex ? ["to search with a regex, use `matches`"] : [])
                return result(.bool)
            }
            return result(.bool, l, asText(right))
        case .matches:
            let l = requireText(left, op)
            guard right.type == .regex || right.type == .list(.regex) else {
                var help: [String] = []
                if right.type == .string { help.append("write a regex literal between slashes, or use `contains` for a plain substring") }
                report(.typeMismatch, "`matches` expects a `Regex` or `List<Regex>` on its right, found `\(right.type)`",
                       at: right.range, label: "expected `Regex`", help: help)
                return result(.bool)
            }
            return result(.bool, l, right)
        case .in:
            guard case .list(let element) = right.type else {
                report(.invalidOperand, "`in` expects a list on its right, found `\(right.type)`", at: right.range)
                return result(.bool)
            }
            if left.type == .int, element == .float {
                return result(.bool, TypedExpression(kind: .intToFloat(left), type: .float, range: left.range), right)
            }
            let leftType = left.type == .line ? ValueType.string : left.type
            guard leftType.conforms(to: element), [.int, .float, .string, .bool, .duration, .error].contains(element) else {
                report(.typeMismatch, "cannot look for a `\(left.type)` in a `\(right.type)`", at: range,
                       secondary: [.init(left.range, "this is \(article(left.type))"), .init(right.range, "this is \(article(right.type))")])
                return result(.bool)
            }
            return result(.bool, asText(left), right)
        case .add, .subtract, .multiply, .divide, .remainder:
            return checkArithmetic(op, left, right, range: range)
        }
    }

    mutating func checkArithmetic(
        _ op: BinaryOperator, _ left: TypedExpression, _ right: TypedExpression, range: SourceRange
    ) -> TypedExpression {
        func result(_ type: ValueType, _ l: TypedExpression, _ r: TypedExpression) -> TypedExpression {
            TypedExpression(kind: .binary(op, l, r), type: type, range: range)
        }
        if left.type.isNumeric, right.type.isNumeric {
            switch op {
            case .remainder:
                if left.type == .int, right.type == .int { return result(.int, left, right) }
            case .divide:
                return result(.float, toFloat(left), toFloat(right))
            default:
                if left.type == .int, right.type == .int { return result(.int, left, right) }
                let (l, r) = promote(left, right)
                return result(.float, l, r)
            }
        }
        if (op == .add || op == .subtract), left.type == .duration, right.type == .duration {
            return result(.duration, left, right)
        }
        if op == .add, left.type == .string, right.type == .string { return result(.string, left, right) }
        var help: [String] = []
        if op == .remainder { help.append("`%` takes two `Int`s") }
        if left.type == .string || right.type == .string, left.type.isNumeric || right.type.isNumeric {
            help.append("convert text with `int(...)` or `float(...)`")
        }
        report(.invalidOperand, "cannot apply `\(op.rawValue)` to `\(left.type)` and `\(right.type)`",
               at: operatorRange(left, right, range),
               secondary: [.init(left.range, "this is \(article(left.type))"), .init(right.range, "this is \(article(right.type))")],
               help: help)
        return result(.error, left, right)
    }

    /// The range between two operands, where the operator is written.
    func operatorRange(_ left: TypedExpression, _ right: TypedExpression, _ whole: SourceRange) -> SourceRange {
        var start = left.range.end, end = right.range.start
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        while start < end, start < file.bytes.count, isSpace(file.bytes[start]) || file.bytes[start] == UInt8(ascii: ")") { start += 1 }
        while end > start, end - 1 < file.bytes.count, isSpace(file.bytes[end - 1]) || file.bytes[end - 1] == UInt8(ascii: "(") { end -= 1 }
        return end > start ? SourceRange(start: start, end: end) : whole
    }

    func lineVariableName(_ expression: TypedExpression) -> String {
        if case .variable(let slot) = expression.kind, slot < variables.count { return variables[slot].name }
        return "line"
    }

    func promote(_ left: TypedExpression, _ right: TypedExpression) -> (TypedExpression, TypedExpression) {
        if left.type == right.type { return (left, right) }
        return (toFloat(left), toFloat(right))
    }

    func toFloat(_ expression: TypedExpression) -> TypedExpression {
        expression.type == .int
            ? TypedExpression(kind: .intToFloat(expression), type: .float, range: expression.range)
            : expression
    }

    /// A `Line` read as its text; anything else unchanged.
    func asText(_ expression: TypedExpression) -> TypedExpression {
        expression.type == .line
            ? TypedExpression(kind: .member(.text, expression), type: .string, range: expression.range)
            : expression
    }

    mutating func requireText(_ expression: TypedExpression, _ op: BinaryOperator) -> TypedExpression {
        if !expression.type.isText {
            var help: [String] = []
            if expression.type == .window || expression.type == .list(.line) {
                help.append("test each line with a quantifier: `any line in \(expression.type == .window ? "window" : "...")`: line \(op.rawValue) ...`")
            }
            report(.typeMismatch, "`\(op.rawValue)` expects a `Line` or `String` on its left, found `\(expression.type)`",
                   at: expression.range, label: "this is \(article(expression.type))", help: help)
        }
        return asText(expression)
    }

    mutating func requireBool(_ expression: TypedExpression, _ role: String) {
        guard expression.type != .bool, expression.type != .error else { return }
        var help: [String] = []
        if expression.type == .int { help.append("compare it with a number, e.g. `... > 0`") }
        if expression.type == .list(.line) { help.append("test whether it is empty with `count(...) > 0`") }
        report(.conditionNotBool, "\(role) must be a `Bool`, found `\(expression.type)`", at: expression.range,
               label: "this is \(article(expression.type))", help: help)
    }

    // MARK: - Calls
}

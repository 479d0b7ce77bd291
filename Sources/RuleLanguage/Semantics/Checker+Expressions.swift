import PCRE2
import WardenCore

/// Expressions: literals, lists, names, members, quantifiers.
extension Checker {
    mutating func check(_ expression: ExpressionSyntax) -> TypedExpression {
        let range = expression.range
        func typed(_ kind: TypedExpression.Kind, _ type: ValueType) -> TypedExpression {
            TypedExpression(kind: kind, type: type, range: range)
        }
        switch expression.kind {
        case .boolean(let value): return typed(.boolean(value), .bool)
        case .integer(let value): return typed(.integer(value), .int)
        case .float(let value, _): return typed(.float(value), .float)
        case .duration(let milliseconds, _): return typed(.duration(milliseconds: milliseconds), .duration)
        case .string(let value): return typed(.string(value), .string)
        case .regex(let literal):
            guard let index = compileRegex(literal, range: range) else { return typed(.boolean(false), .error) }
            return typed(.regex(index), .regex)
        case .invalid: return typed(.boolean(false), .error)
        case .list(let elements): return checkList(elements, range: range)
        case .name(let name): return resolve(name, range: range)
        case .unary(.not, let operand):
            let checked = check(operand)
            requireBool(checked, "the operand of `not`")
            return typed(.not(checked), .bool)
        case .unary(.negate, let operand):
            let checked = check(operand)
            guard [.int, .float, .duration, .error].contains(checked.type) else {
                report(.invalidOperand, "cannot negate a `\(checked.type)`", at: range,
                       secondary: [.init(checked.range, "this is \(article(checked.type))")])
                return typed(.negate(checked), .error)
            }
            return typed(.negate(checked), checked.type)
        case .binary(let op, let left, let right):
            return checkBinary(op, check(left), check(right), range: range)
        case .member(let base, let member):
            let checked = check(base)
            guard checked.type == .line || checked.type == .error else {
                report(.noSuchMember, "`\(checked.type)` has no member `\(member.name)`", at: member.range,
                       secondary: [.init(checked.range, "this is \(article(checked.type))")],
                       notes: ["only `Line` has members: text, index, number, timestamp"])
                return typed(.boolean(false), .error)
            }
            guard let lineMember = LineMember(rawValue: member.name) else {
                let suggestion = didYouMean(member.name, among: LineMember.allCases.map(\.rawValue), at: member.range)
                report(.noSuchMember, "`Line` has no member `\(member.name)`", at: member.range,
                       help: suggestion?.help ?? ["members of `Line`: text, index, number, timestamp"],
                       fixIts: suggestion?.fixIts ?? [])
                return typed(.boolean(false), .error)
            }
            return typed(.member(lineMember, checked), lineMember.type)
        case .call(let name, let arguments):
            return checkCall(name, arguments, range: range)
        case .quantifier(let quantifier, let variable, let source, let predicate):
            return checkQuantifier(quantifier, variable: variable, source: source, predicate: predicate, range: range)
        }
    }

    mutating func checkList(_ elements: [ExpressionSyntax], range: SourceRange) -> TypedExpression {
        var checked = elements.map { check($0) }
        let known = checked.map(\.type).filter { !$0.isError }
        var elementType: ValueType = known.first ?? .error
        if known.contains(.float), known.allSatisfy({ $0 == .int || $0 == .float }) { elementType = .float }
        for (index, element) in checked.enumerated() {
            if elementType == .float, element.type == .int {
                checked[index] = TypedExpression(kind: .intToFloat(element), type: .float, range: element.range)
            } else if !element.type.conforms(to: elementType) {
                report(.mixedListElements, "list elements have different types: `\(elementType)` and `\(element.type)`",
                       at: element.range, label: "this is \(article(element.type))",
                       secondary: [.init(checked[0].range, "this is \(article(elementType))")])
                elementType = .error
                break
            }
        }
        return TypedExpression(kind: .list(checked), type: .list(elementType), range: range)
    }

    mutating func resolve(_ name: String, range: SourceRange) -> TypedExpression {
        if let slot = variables.lastIndex(where: { $0.name == name }) {
            return TypedExpression(kind: .variable(slot: slot), type: variables[slot].type, range: range)
        }
        if let index = bindings.lastIndex(where: { $0.name == name }) {
            usedBindings.insert(index)
            return TypedExpression(kind: .binding(index), type: bindings[index].type, range: range)
        }
        if name == "window" { return TypedExpression(kind: .window, type: .window, range: range) }
        let candidates = variables.map(\.name) + bindings.map(\.name) + ["window"]
        var help: [String] = []
        var fixIts: [Diagnostic.FixIt] = []
        if let suggestion = didYouMean(name, among: candidates, at: range) {
            help = suggestion.help
            fixIts = suggestion.fixIts
        } else if BuiltinDefinition.named(name) != nil {
            help.append("`\(name)` is a function: call it, e.g. `\(name)(...)`")
        } else if name == "line" || name == "l" {
            help.append("`\(name)` is only bound inside a quantifier, e.g. `any \(name) in window: ...`")
        }
        report(.unknownName, "cannot find `\(name)` in scope", at: range, help: help, fixIts: fixIts)
        return TypedExpression(kind: .boolean(false), type: .error, range: range)
    }

    mutating func checkQuantifier(
        _ quantifier: Quantifier, variable: Identifier, source: ExpressionSyntax, predicate: ExpressionSyntax, range: SourceRange
    ) -> TypedExpression {
        let checkedSource = check(source)
        var elementType = checkedSource.type.elementType ?? .error
        if checkedSource.type.elementType == nil {
            report(.typeMismatch, "`\(quantifier.rawValue)` ranges over a list or the window, not a `\(checkedSource.type)`",
                   at: checkedSource.range, label: "this is \(article(checkedSource.type))")
            elementType = .error
        }
        if variables.contains(where: { $0.name == variable.name }) || bindings.contains(where: { $0.name == variable.name }) || variable.name == "window" {
            report(.duplicateBinding, "`\(variable.name)` is already bound here; pick another name for the quantifier's variable",
                   at: variable.range)
        }
        variables.append((variable.name, elementType))
        let slot = variables.count - 1
        let checkedPredicate = check(predicate)
        variables.removeLast()
        requireBool(checkedPredicate, "the predicate of `\(quantifier.rawValue)`")
        let type: ValueType
        switch quantifier {
        case .any, .all: type = .bool
        case .count: type = .int
        case .filter: type = .list(elementType)
        case .first: type = elementType
        }
        return TypedExpression(kind: .quantifier(quantifier, slot: slot, source: checkedSource, predicate: checkedPredicate),
                               type: type, range: range)
    }

    // MARK: - Operators
}

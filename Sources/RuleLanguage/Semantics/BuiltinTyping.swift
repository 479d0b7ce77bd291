/// Type rules of the builtin functions (their documentation is ``BuiltinFunction/all``).
extension Checker {
    /// Checks a call's arguments (positional, then labeled in the builtin's label
    /// order) and returns the typed call.
    mutating func typeBuiltin(_ builtin: BuiltinFunction, _ arguments: [TypedExpression], range: SourceRange) -> TypedExpression {
        func call(_ type: ValueType, _ args: [TypedExpression] = arguments) -> TypedExpression {
            TypedExpression(kind: .call(builtin.name, args), type: type, range: range)
        }
        let first = arguments[0]
        if arguments.contains(where: { $0.type == .error }) { return call(errorTolerantType(builtin, arguments)) }
        switch builtin.name {
        case "count":
            guard first.type.elementType != nil else {
                argumentMismatch(builtin, first, expected: "a list or the window")
                return call(.int)
            }
            return call(.int)
        case "sum", "min", "max":
            guard case .list(let element) = first.type, element == .int || element == .float else {
                argumentMismatch(builtin, first, expected: "`List<Int>` or `List<Float>`")
                return call(.error)
            }
            return call(element)
        case "mean":
            guard case .list(let element) = first.type, element == .int || element == .float else {
                argumentMismatch(builtin, first, expected: "`List<Int>` or `List<Float>`")
                return call(.float)
            }
            return call(.float)
        case "percentile":
            guard case .list(let element) = first.type, element == .int || element == .float else {
                argumentMismatch(builtin, first, expected: "`List<Int>` or `List<Float>`")
                return call(.float)
            }
            guard arguments[1].type.isNumeric else {
                argumentMismatch(builtin, arguments[1], expected: "a number between 0 and 100")
                return call(.float)
            }
            return call(.float)
        case "numbers", "captures":
            let type: ValueType = builtin.name == "numbers" ? .list(.float) : .list(.string)
            guard first.type.conforms(to: .list(.line)) || first.type == .list(.string) else {
                argumentMismatch(builtin, first, expected: "`List<Line>` or `List<String>`")
                return call(type)
            }
            return call(type, typedRegexAndGroup(builtin, arguments))
        case "capture":
            guard first.type.isText else {
                argumentMismatch(builtin, first, expected: "a `Line` or `String`")
                return call(.string)
            }
            return call(.string, typedRegexAndGroup(builtin, arguments))
        case "sequence":
            guard first.type.conforms(to: .list(.line)) else {
                argumentMismatch(builtin, first, expected: "`List<Line>`")
                return call(.bool)
            }
            for pattern in arguments.dropFirst() where pattern.type != .regex && pattern.type != .error {
                argumentMismatch(builtin, pattern, expected: "a `Regex`")
            }
            return call(.bool)
        case "unpaired":
            guard first.type.conforms(to: .list(.line)) else {
                argumentMismatch(builtin, first, expected: "`List<Line>`")
                return call(.list(.line))
            }
            for pattern in arguments[1...2] where pattern.type != .regex {
                argumentMismatch(builtin, pattern, expected: "a `Regex`")
                return call(.list(.line))
            }
            let selector = arguments.count > 3 ? arguments[3] : nil
            let startGroup = checkGroup(selector, of: arguments[1], role: "the start pattern's key")
            let endGroup = checkGroup(selector, of: arguments[2], role: "the end pattern's key")
            return call(.list(.line), [first, arguments[1], arguments[2], startGroup, endGroup])
        case "distinct":
            guard case .list(let element) = first.type, element == .string || element == .int else {
                argumentMismatch(builtin, first, expected: "`List<String>` or `List<Int>`")
                return call(.error)
            }
            return call(first.type)
        case "lower", "upper", "length":
            guard first.type.isText else {
                argumentMismatch(builtin, first, expected: "a `Line` or `String`")
                return call(builtin.name == "length" ? .int : .string)
            }
            return call(builtin.name == "length" ? .int : .string, [asText(first)])
        case "int":
            guard first.type.isText || first.type == .float || first.type == .int else {
                argumentMismatch(builtin, first, expected: "a `String`, `Line` or `Float`")
                return call(.int)
            }
            return call(.int, [asText(first)])
        case "float":
            guard first.type.isText || first.type == .int || first.type == .float else {
                argumentMismatch(builtin, first, expected: "a `String`, `Line` or `Int`")
                return call(.float)
            }
            return call(.float, [asText(first)])
        case "abs":
            guard first.type == .int || first.type == .float else {
                argumentMismatch(builtin, first, expected: "an `Int` or `Float`")
                return call(.error)
            }
            return call(first.type)
        case "div":
            for argument in arguments where argument.type != .int {
                argumentMismatch(builtin, argument, expected: "an `Int`")
            }
            return call(.int)
        case "span":
            guard first.type.conforms(to: .list(.line)) else {
                argumentMismatch(builtin, first, expected: "`List<Line>`")
                return call(.duration)
            }
            return call(.duration)
        default:
            preconditionFailure("builtin \(builtin.name) has no type rule")
        }
    }

    /// The result type of a call whose arguments already have errors.
    private func errorTolerantType(_ builtin: BuiltinFunction, _ arguments: [TypedExpression]) -> ValueType {
        switch builtin.name {
        case "count", "length", "int", "div": .int
        case "mean", "percentile", "float": .float
        case "numbers": .list(.float)
        case "captures": .list(.string)
        case "capture", "lower", "upper": .string
        case "sequence": .bool
        case "unpaired": .list(.line)
        case "span": .duration
        default: .error
        }
    }

    /// `(text, regex, group)` arguments with the group resolved to its number.
    private mutating func typedRegexAndGroup(_ builtin: BuiltinFunction, _ arguments: [TypedExpression]) -> [TypedExpression] {
        let pattern = arguments[1]
        guard pattern.type == .regex else {
            argumentMismatch(builtin, pattern, expected: "a `Regex`")
            return arguments
        }
        let group = checkGroup(arguments.count > 2 ? arguments[2] : nil, of: pattern, role: "`\(builtin.name)`")
        return [asText(arguments[0]), pattern, group]
    }
}

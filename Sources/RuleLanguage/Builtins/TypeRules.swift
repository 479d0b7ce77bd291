/// What the builtins' type rules share: the checker's entry for a call and
/// the argument checks several builtins make.
extension Checker {
    /// Types a call whose arguments are already checked and ordered.
    mutating func typeBuiltin(_ call: BuiltinCall) -> TypedExpression {
        if call.arguments.contains(where: { $0.type == .error }) {
            return call.typed(call.definition.typeWithErroneousArguments)
        }
        return call.definition.typeRule(&self, call)
    }

    mutating func argumentMismatch(_ call: BuiltinCall, _ argument: TypedExpression, expected: String) {
        let definition = call.definition
        report(.typeMismatch, "`\(definition.name)` expects \(expected), found `\(argument.type)`", at: argument.range,
               label: "expected \(expected)", notes: definition.signatures.map { "signature: \($0)" })
    }

    /// The element type of a `List<Int>` or `List<Float>` first argument, or `nil` after reporting a mismatch.
    mutating func numericElements(_ call: BuiltinCall) -> ValueType? {
        guard case .list(let element) = call.first.type, element == .int || element == .float else {
            argumentMismatch(call, call.first, expected: "`List<Int>` or `List<Float>`")
            return nil
        }
        return element
    }

    /// Whether the first argument is a `List<Line>` (or the window), reporting a mismatch when not.
    mutating func requireLines(_ call: BuiltinCall) -> Bool {
        guard call.first.type.conforms(to: .list(.line)) else {
            argumentMismatch(call, call.first, expected: "`List<Line>`")
            return false
        }
        return true
    }

    /// Whether the first argument is a `Line` or `String`, reporting a mismatch when not.
    mutating func requireText(_ call: BuiltinCall) -> Bool {
        guard call.first.type.isText else {
            argumentMismatch(call, call.first, expected: "a `Line` or `String`")
            return false
        }
        return true
    }

    /// `int` and `float`: text (a `Line` read as its text), a number of the result type, or one of `other`.
    mutating func typeConversion(_ call: BuiltinCall, to result: ValueType, from other: ValueType, expected: String) -> TypedExpression {
        let type = call.first.type
        guard type.isText || type == result || type == other else {
            argumentMismatch(call, call.first, expected: expected)
            return call.typed(result)
        }
        return call.typed(result, [asText(call.first)])
    }

    /// `(text, regex, group)` arguments with the group resolved to its number.
    mutating func typedRegexAndGroup(_ call: BuiltinCall) -> [TypedExpression] {
        let arguments = call.arguments, pattern = arguments[1]
        guard pattern.type == .regex else {
            argumentMismatch(call, pattern, expected: "a `Regex`")
            return arguments
        }
        let group = checkGroup(arguments.count > 2 ? arguments[2] : nil, of: pattern, role: "`\(call.definition.name)`")
        return [asText(arguments[0]), pattern, group]
    }
}

extension BuiltinDefinition {
    /// `sum`, `min` and `max`: a `List<Int>` gives an `Int`, a `List<Float>` a `Float`.
    static func aggregate(_ builtin: Builtin, summary: String, edgeCases: String, examples: [BuiltinExample]) -> BuiltinDefinition {
        BuiltinDefinition(
            builtin: builtin,
            signatures: ["\(builtin.name)(xs: List<Int>) -> Int", "\(builtin.name)(xs: List<Float>) -> Float"],
            summary: summary, edgeCases: edgeCases, cost: "O(n)", examples: examples,
            arity: 1...1, labels: [], typeWithErroneousArguments: .error,
            typeRule: { checker, call in
                guard let element = checker.numericElements(call) else { return call.typed(.error) }
                return call.typed(element)
            })
    }
}

extension BuiltinDefinition {
    /// `lower`, `upper` and `length`: one `Line` or `String`, read as its text.
    static func text(
        _ builtin: Builtin, signature: String, summary: String, edgeCases: String, result: ValueType, examples: [BuiltinExample]
    ) -> BuiltinDefinition {
        BuiltinDefinition(
            builtin: builtin, signatures: [signature], summary: summary, edgeCases: edgeCases, cost: "O(length)",
            examples: examples, arity: 1...1, labels: [], typeWithErroneousArguments: result,
            typeRule: { checker, call in
                guard checker.requireText(call) else { return call.typed(result) }
                return call.typed(result, [checker.asText(call.first)])
            })
    }
}

extension BuiltinDefinition {
    /// `abs(x)`: the absolute value.
    static let abs = BuiltinDefinition(
        builtin: .abs,
        signatures: ["abs(x: Int) -> Int", "abs(x: Float) -> Float"],
        summary: "The absolute value.", edgeCases: "abs of Int's minimum wraps to itself.", cost: "O(1)",
        examples: [
            BuiltinExample("abs(-3) == 3"),
            BuiltinExample("abs(-2.5) == 2.5"),
        ],
        arity: 1...1, labels: [], typeWithErroneousArguments: .error,
        typeRule: { checker, call in
            guard call.first.type == .int || call.first.type == .float else {
                checker.argumentMismatch(call, call.first, expected: "an `Int` or `Float`")
                return call.typed(.error)
            }
            return call.typed(call.first.type)
        })
}

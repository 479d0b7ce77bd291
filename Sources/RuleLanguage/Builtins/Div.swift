extension BuiltinDefinition {
    /// `div(a, b)`: integer division rounding down.
    static let div = BuiltinDefinition(
        builtin: .div,
        signatures: ["div(a: Int, b: Int) -> Int"],
        summary: "Integer division rounding toward negative infinity (`/` always gives a Float).",
        edgeCases: "0 when b is 0.", cost: "O(1)",
        examples: [
            BuiltinExample("div(7, 2) == 3"),
            BuiltinExample("div(-7, 2) == -4"),
            BuiltinExample("div(5, 0) == 0"),
        ],
        arity: 2...2, labels: [], typeWithErroneousArguments: .int,
        typeRule: { checker, call in
            for argument in call.arguments where argument.type != .int {
                checker.argumentMismatch(call, argument, expected: "an `Int`")
            }
            return call.typed(.int)
        })
}

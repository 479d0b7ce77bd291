extension BuiltinDefinition {
    /// `percentile(xs, p)`: the nearest-rank percentile.
    static let percentile = BuiltinDefinition(
        builtin: .percentile,
        signatures: ["percentile(xs: List<Int | Float>, p: Int | Float) -> Float"],
        summary: "The p-th percentile by the nearest-rank method (p = 95 for the p95).",
        edgeCases: "0.0 for an empty list; p is clamped to 0...100 (p = 0 gives the minimum).",
        cost: "O(n log n)",
        examples: [
            BuiltinExample("percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9.0"),
            BuiltinExample("percentile([5, 1, 3], 0) == 1.0"),
            BuiltinExample("percentile([2.5, 7.5], 150) == 7.5"),
        ],
        arity: 2...2, labels: [], typeWithErroneousArguments: .float,
        typeRule: { checker, call in
            guard checker.numericElements(call) != nil else { return call.typed(.float) }
            if !call.arguments[1].type.isNumeric {
                checker.argumentMismatch(call, call.arguments[1], expected: "a number between 0 and 100")
            }
            return call.typed(.float)
        })
}

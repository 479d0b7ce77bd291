extension BuiltinDefinition {
    /// `mean(xs)`: the arithmetic mean, always a `Float`.
    static let mean = BuiltinDefinition(
        builtin: .mean,
        signatures: ["mean(xs: List<Int>) -> Float", "mean(xs: List<Float>) -> Float"],
        summary: "The arithmetic mean.",
        edgeCases: "0.0 for an empty list.", cost: "O(n)",
        examples: [
            BuiltinExample("mean([1, 2, 6]) == 3.0"),
            BuiltinExample(#"mean(numbers(window, /took (\d+)ms/)) == 20.0"#, lines: ["took 10ms", "took 30ms", "idle"]),
        ],
        arity: 1...1, labels: [], typeWithErroneousArguments: .float,
        typeRule: { checker, call in
            _ = checker.numericElements(call)
            return call.typed(.float)
        })
}

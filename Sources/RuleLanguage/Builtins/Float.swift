extension BuiltinDefinition {
    /// `float(x)`: a number read from text, or an `Int` as a `Float`.
    static let float = BuiltinDefinition(
        builtin: .float,
        signatures: ["float(text: Line | String) -> Float", "float(x: Int) -> Float"],
        summary: "A decimal number read from text (surrounding whitespace ignored), or an Int as a Float.",
        edgeCases: "0.0 when the text is not a finite decimal number.", cost: "O(length)",
        examples: [
            BuiltinExample(#"float("2.5e1") == 25.0"#),
            BuiltinExample(#"float("inf") == 0.0"#),
            BuiltinExample("float(3) / 2 == 1.5"),
        ],
        arity: 1...1, labels: [], typeWithErroneousArguments: .float,
        typeRule: { checker, call in checker.typeConversion(call, to: .float, from: .int, expected: "a `String`, `Line` or `Int`") })
}

extension BuiltinDefinition {
    /// `int(x)`: an integer read from text, or a float truncated.
    static let int = BuiltinDefinition(
        builtin: .int,
        signatures: ["int(text: Line | String) -> Int", "int(x: Float) -> Int"],
        summary: "A decimal integer read from text (surrounding whitespace ignored), or a float truncated toward zero.",
        edgeCases: "0 when the text is not an integer or the float is NaN; floats beyond Int's range clamp to its bounds.",
        cost: "O(length)",
        examples: [
            BuiltinExample(#"int(" 42 ") == 42"#),
            BuiltinExample(#"int("4.2") == 0"#),
            BuiltinExample("int(-2.7) == -2"),
            BuiltinExample(#"any l in window: int(capture(l, /code=(\d+)/)) >= 500"#, lines: ["code=503"]),
        ],
        arity: 1...1, labels: [], typeWithErroneousArguments: .int,
        typeRule: { checker, call in checker.typeConversion(call, to: .int, from: .float, expected: "a `String`, `Line` or `Float`") })
}

extension BuiltinDefinition {
    /// `count(xs)`: the number of elements.
    static let count = BuiltinDefinition(
        builtin: .count,
        signatures: ["count(xs: List<T>) -> Int"],
        summary: "The number of elements (lines, for the window).",
        edgeCases: "0 for an empty list.", cost: "O(1)",
        examples: [
            BuiltinExample("count(window) == 3", lines: ["a", "b", "c"]),
            BuiltinExample(#"count(filter l in window where l contains "error") == 1"#, lines: ["ok", "error: disk", "ok"]),
        ],
        arity: 1...1, labels: [], typeWithErroneousArguments: .int,
        typeRule: { checker, call in
            if call.first.type.elementType == nil { checker.argumentMismatch(call, call.first, expected: "a list or the window") }
            return call.typed(.int)
        })
}

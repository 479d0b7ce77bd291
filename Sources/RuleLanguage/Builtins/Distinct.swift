extension BuiltinDefinition {
    /// `distinct(xs)`: the elements without repeats.
    static let distinct = BuiltinDefinition(
        builtin: .distinct,
        signatures: ["distinct(xs: List<String>) -> List<String>", "distinct(xs: List<Int>) -> List<Int>"],
        summary: "The elements without repeats, in order of first occurrence.",
        edgeCases: "An empty list for an empty list.", cost: "O(n)",
        examples: [
            BuiltinExample("count(distinct([3, 1, 3, 2, 1])) == 3"),
            BuiltinExample(#"count(distinct(captures(window, /node (\w+)/))) == 2"#, lines: ["node a up", "node b up", "node a down"]),
        ],
        arity: 1...1, labels: [], typeWithErroneousArguments: .error,
        typeRule: { checker, call in
            guard case .list(let element) = call.first.type, element == .string || element == .int else {
                checker.argumentMismatch(call, call.first, expected: "`List<String>` or `List<Int>`")
                return call.typed(.error)
            }
            return call.typed(call.first.type)
        })
}

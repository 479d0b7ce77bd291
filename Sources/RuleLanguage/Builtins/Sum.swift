extension BuiltinDefinition {
    /// `sum(xs)`: the sum of the elements.
    static let sum = aggregate(
        .sum,
        summary: "The sum of the elements.",
        edgeCases: "0 (or 0.0) for an empty list; Int sums wrap around on overflow.",
        examples: [
            BuiltinExample("sum([1, 2, 3]) == 6"),
            BuiltinExample("sum([0.5, 0.25]) == 0.75"),
            BuiltinExample(#"sum(numbers(window, /took (\d+)ms/)) == 40.0"#, lines: ["took 10ms", "took 30ms", "idle"]),
        ])
}

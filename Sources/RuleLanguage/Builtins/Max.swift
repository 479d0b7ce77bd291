extension BuiltinDefinition {
    /// `max(xs)`: the largest element.
    static let max = aggregate(
        .max,
        summary: "The largest element.",
        edgeCases: "0 (or 0.0) for an empty list.",
        examples: [
            BuiltinExample("max([3, -1, 2]) == 3"),
            BuiltinExample("max([2.5, 1.5]) == 2.5"),
            BuiltinExample(#"max(numbers(window, /took (\d+)ms/)) == 30.0"#, lines: ["took 10ms", "took 30ms", "idle"]),
        ])
}

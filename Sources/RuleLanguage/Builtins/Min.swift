extension BuiltinDefinition {
    /// `min(xs)`: the smallest element.
    static let min = aggregate(
        .min,
        summary: "The smallest element.",
        edgeCases: "0 (or 0.0) for an empty list.",
        examples: [
            BuiltinExample("min([3, -1, 2]) == -1"),
            BuiltinExample("min([2.5, 1.5]) == 1.5"),
            BuiltinExample(#"min(numbers(window, /took (\d+)ms/)) == 10.0"#, lines: ["took 10ms", "took 30ms", "idle"]),
        ])
}

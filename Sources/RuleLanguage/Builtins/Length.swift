extension BuiltinDefinition {
    /// `length(text)`: the number of Unicode scalars in the text.
    static let length = text(
        .length,
        signature: "length(text: Line | String) -> Int",
        summary: "The number of Unicode scalars in the text.",
        edgeCases: "0 for \"\".", result: .int,
        examples: [
            BuiltinExample("length(\"héllo\") == 5"),
            BuiltinExample("all l in window: length(l) < 10", lines: ["short", "lines"]),
        ])
}

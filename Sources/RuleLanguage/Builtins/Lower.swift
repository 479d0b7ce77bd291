extension BuiltinDefinition {
    /// `lower(text)`: the text in lower case (Unicode case mapping).
    static let lower = text(
        .lower,
        signature: "lower(text: Line | String) -> String",
        summary: "The text in lower case (Unicode case mapping).",
        edgeCases: "\"\" stays \"\".", result: .string,
        examples: [
            BuiltinExample("lower(\"Disk FULL\") == \"disk full\""),
            BuiltinExample("any l in window: lower(l) contains \"error\"", lines: ["ERROR: disk"]),
        ])
}

extension BuiltinDefinition {
    /// `upper(text)`: the text in upper case (Unicode case mapping).
    static let upper = text(
        .upper,
        signature: "upper(text: Line | String) -> String",
        summary: "The text in upper case (Unicode case mapping).",
        edgeCases: "\"\" stays \"\".", result: .string,
        examples: [
            BuiltinExample("upper(\"straße\") == \"STRASSE\""),
            BuiltinExample("any l in window: upper(l) startswith \"WARN\"", lines: ["warn: slow"]),
        ])
}

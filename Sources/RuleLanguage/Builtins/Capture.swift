extension BuiltinDefinition {
    /// `capture(text, pattern, group)`: text captured from one line.
    static let capture = BuiltinDefinition(
        builtin: .capture,
        signatures: ["capture(text: Line | String, pattern: Regex, group: Int | String = 1) -> String"],
        summary: "The text of capture `group` in the first match of `pattern` in one line.",
        edgeCases: "\"\" when there is no match or the group is unset.", cost: "one regex search",
        examples: [
            BuiltinExample(#"any l in window: capture(l, /user (\w+)/) == "ann""#, lines: ["user ann"]),
            BuiltinExample(#"capture("code=42", /code=(?<n>\d+)/, group: "n") == "42""#),
            BuiltinExample(#"capture("no match", /code=(\d+)/) == """#),
        ],
        arity: 2...3, labels: ["group"], typeWithErroneousArguments: .string,
        typeRule: { checker, call in
            guard checker.requireText(call) else { return call.typed(.string) }
            return call.typed(.string, checker.typedRegexAndGroup(call))
        })
}

extension BuiltinDefinition {
    /// `captures(lines, pattern, group)`: text captured from each line.
    static let captures = BuiltinDefinition(
        builtin: .captures,
        signatures: ["captures(lines: List<Line> | List<String>, pattern: Regex, group: Int | String = 1) -> List<String>"],
        summary: "For each line, the text of capture `group` in the first match of `pattern`.",
        edgeCases: "Lines without a match or with the group unset are skipped.",
        cost: "O(n) regex searches",
        examples: [
            BuiltinExample(#""bob" in captures(window, /user (\w+)/)"#, lines: ["user ann", "boot", "user bob"]),
            BuiltinExample(#"count(captures(window, /user (\w+)/)) == 2"#, lines: ["user ann", "boot", "user bob"]),
            BuiltinExample(#"count(distinct(captures(window, /from (\S+)/))) == 1"#, lines: ["from a", "from a"]),
        ],
        arity: 2...3, labels: ["group"], typeWithErroneousArguments: .list(.string),
        typeRule: { checker, call in checker.typeCapturesOverLines(call, result: .list(.string)) })
}

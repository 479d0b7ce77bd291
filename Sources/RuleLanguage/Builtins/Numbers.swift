extension BuiltinDefinition {
    /// `numbers(lines, pattern, group)`: numbers captured from each line.
    static let numbers = BuiltinDefinition(
        builtin: .numbers,
        signatures: ["numbers(lines: List<Line> | List<String>, pattern: Regex, group: Int | String = 1) -> List<Float>"],
        summary: "For each line, the first match of `pattern`, its capture `group` read as a decimal number.",
        edgeCases: "Lines without a match, with the group unset, or whose capture is not a number are skipped; an empty list when none remain.",
        cost: "O(n) regex searches",
        examples: [
            BuiltinExample(#"count(numbers(window, /took (\d+)ms/)) == 2"#, lines: ["took 10ms", "idle", "took 30ms"]),
            BuiltinExample(#"30.0 in numbers(window, /took (\d+)ms/)"#, lines: ["took 10ms", "idle", "took 30ms"]),
            BuiltinExample(#"sum(numbers(window, /(?<ms>\d+)ms/, group: "ms")) == 5.0"#, lines: ["took 5ms"]),
            BuiltinExample(#"count(numbers(["x=1.5", "x=oops"], /x=(\S+)/)) == 1"#),
        ],
        arity: 2...3, labels: ["group"], typeWithErroneousArguments: .list(.float),
        typeRule: { checker, call in checker.typeCapturesOverLines(call, result: .list(.float)) })
}

extension Checker {
    /// `numbers` and `captures`: lines or strings, a regex, and a group resolved to its number.
    mutating func typeCapturesOverLines(_ call: BuiltinCall, result: ValueType) -> TypedExpression {
        guard call.first.type.conforms(to: .list(.line)) || call.first.type == .list(.string) else {
            argumentMismatch(call, call.first, expected: "`List<Line>` or `List<String>`")
            return call.typed(result)
        }
        return call.typed(result, typedRegexAndGroup(call))
    }
}

extension BuiltinDefinition {
    /// `unpaired(lines, start, end, key)`: starts whose key never ends.
    static let unpaired = BuiltinDefinition(
        builtin: .unpaired,
        signatures: ["unpaired(lines: List<Line>, start: Regex, end: Regex, key: Int | String = 1) -> List<Line>"],
        summary: "Lines matching `start` whose captured `key` has no later line matching `end` with the same key.",
        edgeCases: "Start lines whose key group is unset are ignored; an empty list when every start is paired.",
        cost: "O(n) regex searches and a hash map of keys",
        examples: [
            BuiltinExample(#"count(unpaired(window, /open (\w+)/, /close (\w+)/)) == 1"#, lines: ["open a", "open b", "close a"]),
            BuiltinExample(#"count(unpaired(window, /begin (?<id>\d+)/, /end (?<id>\d+)/, key: "id")) == 0"#, lines: ["begin 7", "end 7"]),
        ],
        arity: 3...4, labels: ["key"], typeWithErroneousArguments: .list(.line),
        typeRule: { checker, call in
            guard checker.requireLines(call) else { return call.typed(.list(.line)) }
            let arguments = call.arguments
            for pattern in arguments[1...2] where pattern.type != .regex {
                checker.argumentMismatch(call, pattern, expected: "a `Regex`")
                return call.typed(.list(.line))
            }
            let selector = arguments.count > 3 ? arguments[3] : nil
            let startGroup = checker.checkGroup(selector, of: arguments[1], role: "the start pattern's key")
            let endGroup = checker.checkGroup(selector, of: arguments[2], role: "the end pattern's key")
            return call.typed(.list(.line), [call.first, arguments[1], arguments[2], startGroup, endGroup])
        })
}

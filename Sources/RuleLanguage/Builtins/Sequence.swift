extension BuiltinDefinition {
    /// `sequence(lines, first, then, ...)`: patterns matched in order.
    static let sequence = BuiltinDefinition(
        builtin: .sequence,
        signatures: ["sequence(lines: List<Line>, first: Regex, then: Regex, ...) -> Bool"],
        summary: "Whether lines matching each pattern occur in this order (other lines may come between).",
        edgeCases: "false for an empty window; each pattern must match a later line than the previous one.",
        cost: "O(n × patterns) regex searches at most",
        examples: [
            BuiltinExample("sequence(window, /open/, /write/, /close/)", lines: ["open f", "stat f", "write f", "close f"]),
            BuiltinExample("not sequence(window, /close/, /open/)", lines: ["open f", "close f"]),
        ],
        arity: 3...17, labels: [], typeWithErroneousArguments: .bool,
        typeRule: { checker, call in
            guard checker.requireLines(call) else { return call.typed(.bool) }
            for pattern in call.arguments.dropFirst() where pattern.type != .regex {
                checker.argumentMismatch(call, pattern, expected: "a `Regex`")
            }
            return call.typed(.bool)
        })
}

extension BuiltinDefinition {
    /// `span(lines)`: the time the lines cover.
    static let span = BuiltinDefinition(
        builtin: .span,
        signatures: ["span(lines: List<Line>) -> Duration"],
        summary: "The time from the earliest to the latest timestamp among the lines.",
        edgeCases: "0s when fewer than two lines have a timestamp.", cost: "O(n)",
        examples: [
            BuiltinExample("span(window) == 0s", lines: ["no timestamps here", "nor here"]),
            BuiltinExample("span(filter l in window where l contains \"x\") < 1m", lines: ["x"]),
        ],
        arity: 1...1, labels: [], typeWithErroneousArguments: .duration,
        typeRule: { checker, call in
            _ = checker.requireLines(call)
            return call.typed(.duration)
        })
}

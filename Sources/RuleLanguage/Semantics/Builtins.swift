/// One builtin function: its name, signature, and documented behaviour.
///
/// The table is data so that the language reference and the synthesis prompt
/// are generated from it and cannot drift from the checker.
public struct BuiltinFunction: Sendable, Hashable {
    public let name: String
    /// Every accepted form, e.g. `sum(xs: List<Int>) -> Int`.
    public let signatures: [String]
    /// One line saying what it computes.
    public let summary: String
    /// What it returns on empty input, division by zero, failed parses, etc.
    public let edgeCases: String
    /// Cost on a window of n lines.
    public let cost: String
    /// Accepted argument counts.
    let arity: ClosedRange<Int>
    /// Labels accepted for trailing parameters (`group`, `key`).
    let labels: [String]
}

extension BuiltinFunction {
    /// Every builtin, in the order the reference lists them.
    public static let all: [BuiltinFunction] = [
        .init(name: "count", signatures: ["count(xs: List<T>) -> Int"],
              summary: "The number of elements (lines, for the window).",
              edgeCases: "0 for an empty list.", cost: "O(1)", arity: 1...1, labels: []),
        .init(name: "sum", signatures: ["sum(xs: List<Int>) -> Int", "sum(xs: List<Float>) -> Float"],
              summary: "The sum of the elements.",
              edgeCases: "0 (or 0.0) for an empty list; Int sums wrap around on overflow.", cost: "O(n)", arity: 1...1, labels: []),
        .init(name: "min", signatures: ["min(xs: List<Int>) -> Int", "min(xs: List<Float>) -> Float"],
              summary: "The smallest element.",
              edgeCases: "0 (or 0.0) for an empty list.", cost: "O(n)", arity: 1...1, labels: []),
        .init(name: "max", signatures: ["max(xs: List<Int>) -> Int", "max(xs: List<Float>) -> Float"],
              summary: "The largest element.",
              edgeCases: "0 (or 0.0) for an empty list.", cost: "O(n)", arity: 1...1, labels: []),
        .init(name: "mean", signatures: ["mean(xs: List<Int>) -> Float", "mean(xs: List<Float>) -> Float"],
              summary: "The arithmetic mean.",
              edgeCases: "0.0 for an empty list.", cost: "O(n)", arity: 1...1, labels: []),
        .init(name: "percentile", signatures: ["percentile(xs: List<Int | Float>, p: Int | Float) -> Float"],
              summary: "The p-th percentile by the nearest-rank method (p = 95 for the p95).",
              edgeCases: "0.0 for an empty list; p is clamped to 0...100 (p = 0 gives the minimum).",
              cost: "O(n log n)", arity: 2...2, labels: []),
        .init(name: "numbers", signatures: ["numbers(lines: List<Line> | List<String>, pattern: Regex, group: Int | String = 1) -> List<Float>"],
              summary: "For each line, the first match of `pattern`, its capture `group` read as a decimal number.",
              edgeCases: "Lines without a match, with the group unset, or whose capture is not a number are skipped; an empty list when none remain.",
              cost: "O(n) regex searches", arity: 2...3, labels: ["group"]),
        .init(name: "captures", signatures: ["captures(lines: List<Line> | List<String>, pattern: Regex, group: Int | String = 1) -> List<String>"],
              summary: "For each line, the text of capture `group` in the first match of `pattern`.",
              edgeCases: "Lines without a match or with the group unset are skipped.",
              cost: "O(n) regex searches", arity: 2...3, labels: ["group"]),
        .init(name: "capture", signatures: ["capture(text: Line | String, pattern: Regex, group: Int | String = 1) -> String"],
              summary: "The text of capture `group` in the first match of `pattern` in one line.",
              edgeCases: "\"\" when there is no match or the group is unset.", cost: "one regex search", arity: 2...3, labels: ["group"]),
        .init(name: "sequence", signatures: ["sequence(lines: List<Line>, first: Regex, then: Regex, ...) -> Bool"],
              summary: "Whether lines matching each pattern occur in this order (other lines may come between).",
              edgeCases: "false for an empty window; each pattern must match a later line than the previous one.",
              cost: "O(n × patterns) regex searches at most", arity: 3...17, labels: []),
        .init(name: "unpaired", signatures: ["unpaired(lines: List<Line>, start: Regex, end: Regex, key: Int | String = 1) -> List<Line>"],
              summary: "Lines matching `start` whose captured `key` has no later line matching `end` with the same key.",
              edgeCases: "Start lines whose key group is unset are ignored; an empty list when every start is paired.",
              cost: "O(n) regex searches and a hash map of keys", arity: 3...4, labels: ["key"]),
        .init(name: "distinct", signatures: ["distinct(xs: List<String>) -> List<String>", "distinct(xs: List<Int>) -> List<Int>"],
              summary: "The elements without repeats, in order of first occurrence.",
              edgeCases: "An empty list for an empty list.", cost: "O(n)", arity: 1...1, labels: []),
        .init(name: "lower", signatures: ["lower(text: Line | String) -> String"],
              summary: "The text in lower case (Unicode case mapping).", edgeCases: "\"\" stays \"\".", cost: "O(length)", arity: 1...1, labels: []),
        .init(name: "upper", signatures: ["upper(text: Line | String) -> String"],
              summary: "The text in upper case (Unicode case mapping).", edgeCases: "\"\" stays \"\".", cost: "O(length)", arity: 1...1, labels: []),
        .init(name: "length", signatures: ["length(text: Line | String) -> Int"],
              summary: "The number of Unicode scalars in the text.", edgeCases: "0 for \"\".", cost: "O(length)", arity: 1...1, labels: []),
        .init(name: "int", signatures: ["int(text: Line | String) -> Int", "int(x: Float) -> Int"],
              summary: "A decimal integer read from text (surrounding whitespace ignored), or a float truncated toward zero.",
              edgeCases: "0 when the text is not an integer or the float is NaN; floats beyond Int's range clamp to its bounds.",
              cost: "O(length)", arity: 1...1, labels: []),
        .init(name: "float", signatures: ["float(text: Line | String) -> Float", "float(x: Int) -> Float"],
              summary: "A decimal number read from text (surrounding whitespace ignored), or an Int as a Float.",
              edgeCases: "0.0 when the text is not a finite decimal number.", cost: "O(length)", arity: 1...1, labels: []),
        .init(name: "abs", signatures: ["abs(x: Int) -> Int", "abs(x: Float) -> Float"],
              summary: "The absolute value.", edgeCases: "abs of Int's minimum wraps to itself.", cost: "O(1)", arity: 1...1, labels: []),
        .init(name: "div", signatures: ["div(a: Int, b: Int) -> Int"],
              summary: "Integer division rounding toward negative infinity (`/` always gives a Float).",
              edgeCases: "0 when b is 0.", cost: "O(1)", arity: 2...2, labels: []),
        .init(name: "span", signatures: ["span(lines: List<Line>) -> Duration"],
              summary: "The time from the earliest to the latest timestamp among the lines.",
              edgeCases: "0s when fewer than two lines have a timestamp.", cost: "O(n)", arity: 1...1, labels: []),
    ]

    /// Looks a builtin up by name.
    public static func named(_ name: String) -> BuiltinFunction? { all.first { $0.name == name } }
}

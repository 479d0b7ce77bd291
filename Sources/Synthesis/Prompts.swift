import RuleLanguage
import RuleRuntime

/// Prompts for a language model, built from the checker's builtin table and
/// the language's rules so they cannot drift from the language.
public enum Prompts {
    /// The system prompt: what the language is and how to answer.
    public static var system: String {
        let builtins = BuiltinDefinition.all.map { builtin in
            "- " + builtin.signatures.joined(separator: "; ") + ": " + builtin.summary + " " + builtin.edgeCases
        }.joined(separator: "\n")
        let members = LineMember.allCases.map { "`\($0.rawValue)` (\($0.type))" }.joined(separator: ", ")
        let operators = BinaryOperator.allCases.map(\.rawValue).joined(separator: " ")
        let quantifiers = Quantifier.allCases.map(\.rawValue).joined(separator: ", ")
        return """
            You write detection rules for log windows in Warden's rule language. A window is a list of \
            log lines; a rule is one Bool condition over it. Answer with exactly one rule in a ```warden \
            code block: a `///` doc comment saying what the rule recognises, then `normal rule NAME { ... }` \
            or `abnormal rule NAME { ... }` with optional `let NAME = EXPRESSION` lines and one condition. \
            No pack header, no tests, no other text in the block.

            Types: Bool, Int, Float, String, Regex, Line, Window, List<T>, Duration. `window` is the rule's \
            input. Line members: \(members). Operators: \(operators), `not`, unary `-`. Quantifiers \
            (\(quantifiers)): `any x in S: P`, `all x in S: P`, `count x in S where P`, `filter x in S where P`, \
            `first x in S where P`; parenthesise a quantifier inside a larger expression. Regexes are PCRE2 \
            literals `/.../imsx` (write `\\/` for a slash). Strings are "..." with \\" \\\\ \\n \\t \\u{...} escapes. \
            Durations: 250ms, 5s, 2m, 1h. `/` always gives a Float; Int and Float mix by promotion only.

            Builtins:
            \(builtins)

            Write rules that generalise: match message templates, not the ids, numbers, addresses, \
            node names or timestamps of the example lines.
            """
    }

    /// The first request of a rollout, with the builtin learner's findings when given.
    public static func generate(_ request: RuleRequest, findings: String? = nil) -> String {
        let goal = request.kind == .abnormal
            ? "an `abnormal rule \(request.name)` that holds on every TARGET window (anomalies) and on no CONTRAST window (routine)"
            : "a `normal rule \(request.name)` that holds on every TARGET window (routine) and on no CONTRAST window (anomalies)"
        var text = "Write \(goal).\n\n"
        if let findings {
            text += "Evidence from the training windows (a rule learner's findings; improve on its rule if you can):\n" + findings + "\n"
        }
        return text + windows(request.targets, label: "TARGET") + "\n" + windows(request.opposites, label: "CONTRAST")
    }

    /// After a failed local test: the checker's diagnostics and the windows the rule got wrong.
    public static func repair(_ request: RuleRequest, diagnostics: String, misclassified: [Window], previous: String) -> String {
        var text = "Your rule:\n```warden\n\(previous)\n```\n"
        if !diagnostics.isEmpty { text += "did not compile. The compiler's diagnostics (JSON):\n\(diagnostics)\n" }
        if !misclassified.isEmpty { text += "misclassified these windows:\n" + windows(misclassified, label: "MISCLASSIFIED") }
        return text + "\nFix it. Keep the name `\(request.name)` and answer with the whole corrected rule."
    }

    /// After a passing rule that covers too little, or that names one thing.
    public static func refine(_ request: RuleRequest, coverage: Double, previous: String, specific: [String] = []) -> String {
        let kind = request.kind == .abnormal ? "anomalous" : "routine"
        let problem = specific.isEmpty
            ? "is correct on the examples but holds on only \(String(format: "%.1f", coverage * 100))% of the other \(kind) training windows."
            : "keys on literals that name one thing and will not recur: \(specific.joined(separator: ", "))."
        return """
            Your rule:
            ```warden
            \(previous)
            ```
            \(problem) Make it more general: abstract over specifics such as ids, IP addresses, hex values, numbers, \
            paths and node names (or leave those conditions out), while still rejecting every CONTRAST window. Keep the \
            name `\(request.name)`.
            """
    }

    static func windows(_ windows: [Window], label: String, maximumLines: Int = 25) -> String {
        windows.enumerated().map { index, window in
            var lines = (0..<min(window.count, maximumLines)).map { "  " + window.text($0) }
            if window.count > maximumLines { lines.append("  … \(window.count - maximumLines) more lines") }
            return "\(label) \(index + 1):\n" + lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// The rule inside a response: the first fenced block, else the whole text.
    public static func extractRule(_ response: String) -> String {
        guard let open = response.range(of: "```") else { return response.trimmingCharacters(in: .whitespacesAndNewlines) }
        let afterFence = response[open.upperBound...]
        let bodyStart = afterFence.firstIndex(of: "\n").map { afterFence.index(after: $0) } ?? afterFence.startIndex
        let body = response[bodyStart...]
        let end = body.range(of: "```")?.lowerBound ?? body.endIndex
        return String(body[..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

import RuleLanguage

/// W1201: a regex shape that can backtrack exponentially.
struct CatastrophicBacktracking: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1201"), name: "catastrophic-backtracking", category: .regex, severity: .error,
        summary: "a regex can backtrack exponentially on lines that almost match",
        rationale: """
            A repetition whose body can match the same text in more than one way (a quantifier nested
            in a quantifier, as in `(a+)+` or `(\\w+\\s?)*`, or overlapping alternatives under a
            quantifier, as in `(\\w|\\d)*`) makes a backtracking engine try exponentially many splits
            of a line that almost matches. PCRE2's limits stop the attempt, so the rule is
            *inconclusive* on that line instead of slow, but either way it decides nothing there, and
            anyone who can write a log line can trigger it.

            Make each character matchable one way only: `\\w+` for `(\\w|\\d)*`, `(a+)+` → `a+`, a
            possessive quantifier (`(?:\\w+\\s?)*+`) or an atomic group where the repetition must not
            give back.
            """,
        examples: [
            .triggering("""
                abnormal rule nested {
                    any line in window: line matches /^(\\w+\\s?)*$/
                }
                """),
            .triggering("""
                abnormal rule overlapping {
                    any line in window: line matches /(\\w|\\d)*failed/
                }
                """),
            .nonTriggering("""
                abnormal rule linear {
                    any line in window: line matches /^\\w+(?:\\s\\w+)*$/ or line matches /\\w*failed/
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        RegexSite.all(in: subject).compactMap { site in
            guard let shape = site.shape, let problem = Self.problem(in: shape.alternatives, caseInsensitive: shape.caseInsensitive) else { return nil }
            return LintFinding("this regex can backtrack exponentially: \(problem)", at: site.range, subject: site.rule.name.name,
                               label: "ambiguous repetition",
                               notes: ["on a line that almost matches, PCRE2 gives up at its match limit and the rule is inconclusive"],
                               help: ["make each character matchable one way only, or make the repetition possessive (`*+`, `++`)"])
        }
    }

    /// The first ambiguous repetition in `alternatives`, described.
    static func problem(in alternatives: [RegexSequence], caseInsensitive: Bool) -> String? {
        for sequence in alternatives {
            for node in sequence.nodes {
                if let problem = problem(in: node, caseInsensitive: caseInsensitive) { return problem }
            }
        }
        return nil
    }

    private static func problem(in node: RegexNode, caseInsensitive: Bool) -> String? {
        switch node {
        case .group(_, let alternatives):
            return problem(in: alternatives, caseInsensitive: caseInsensitive)
        case .repeated(let inner, _, let maximum, let possessive):
            if maximum == nil, !possessive, case .group(_, let alternatives) = inner {
                if alternatives.contains(where: { isNestedRepetition($0) }) {
                    return "a repetition inside a repetition, where the outer one can split the text in many ways"
                }
                let starts = alternatives.map { $0.firstBytes(caseInsensitive: caseInsensitive) }
                for i in starts.indices {
                    for j in starts.indices where j > i && starts[i].intersects(starts[j]) {
                        return "alternatives under a repetition that can start with the same character"
                    }
                }
            }
            if maximum == nil, !possessive, case .repeated(_, _, nil, false) = inner {
                return "a repetition of a repetition"
            }
            return problem(in: inner, caseInsensitive: caseInsensitive)
        default:
            return nil
        }
    }

    /// A branch whose only required part is an unbounded repetition: `a+`, `\w+\s?`.
    private static func isNestedRepetition(_ sequence: RegexSequence) -> Bool {
        var hasUnbounded = false
        for node in sequence.nodes {
            if case .repeated(_, let minimum, nil, false) = node, minimum >= 1 {
                hasUnbounded = true
            } else if case .group(_, let alternatives) = node, alternatives.contains(where: isNestedRepetition) {
                hasUnbounded = true
            } else if !node.canBeEmpty {
                return false
            }
        }
        return hasUnbounded
    }
}

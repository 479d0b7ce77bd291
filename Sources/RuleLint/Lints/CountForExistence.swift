import RuleLanguage

/// W1502: a count over the whole window compared with zero, where `any` stops at the first line.
struct CountForExistence: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1502"), name: "count-for-existence", category: .performance,
        summary: "a rule counts every line of the window only to ask whether one exists",
        rationale: """
            `(count line in window where P) > 0` (or `>= 1`, `!= 0`) visits every line of the window, but
            it only asks whether one line passes `P`. `any line in window: P` says so directly and stops
            at the first such line. The fix-it rewrites it.
            """,
        examples: [
            .triggering("""
                abnormal rule any_error {
                    (count line in window where line contains "ERROR") > 0
                }
                """, fixed: """
                abnormal rule any_error {
                    any line in window: line contains "ERROR"
                }
                """),
            .nonTriggering("""
                abnormal rule many_errors {
                    (count line in window where line contains "ERROR") > 3
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        var findings: [LintFinding] = []
        for rule in subject.ruleSyntax {
            rule.walk { node in
                guard case .binary(let op, let left, let right) = node.kind else { return }
                let counted: ExpressionSyntax, bound: ExpressionSyntax, comparison: BinaryOperator
                if case .quantifier(.count, _, _, _) = left.kind {
                    (counted, bound, comparison) = (left, right, op)
                } else if case .quantifier(.count, _, _, _) = right.kind, let flipped = Self.flipped(op) {
                    (counted, bound, comparison) = (right, left, flipped)
                } else {
                    return
                }
                guard case .integer(let value) = bound.kind,
                      (comparison == .greater && value == 0) || (comparison == .greaterEqual && value == 1) || (comparison == .notEqual && value == 0),
                      case .quantifier(.count, let variable, let source, let predicate) = counted.kind else { return }
                let replacement = Formatter().expression(ExpressionSyntax(
                    .quantifier(.any, variable: variable, source: source, predicate: predicate), range: node.range))
                findings.append(LintFinding("this counts every line only to ask whether one exists", at: node.range,
                                            subject: rule.name.name, label: "`any` stops at the first line",
                                            fixIt: .init("use `any`", edits: [.init(range: node.range, replacement: "(" + replacement + ")")])))
            }
        }
        return findings
    }

    /// `a op b` as `b op' a`.
    private static func flipped(_ op: BinaryOperator) -> BinaryOperator? {
        switch op {
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .notEqual: .notEqual
        default: nil
        }
    }
}

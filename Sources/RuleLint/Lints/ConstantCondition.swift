import RuleLanguage

/// W1101: a condition, or part of one, that is always true or always false.
struct ConstantCondition: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1101"), name: "constant-condition", category: .correctness,
        summary: "a condition is always true or always false",
        rationale: """
            A count is never negative, `any x in []` never holds, `all x in []` always does, and
            `line contains ""` holds on every line. A condition (or a part of one, under `and`, `or` or
            `not`) whose value is fixed whatever the window holds is a mistake: the rule fires on every
            window or on none, or the part does nothing. The linter works this out from the typed
            condition, with bindings seen through.

            Write the bound that was meant (`count(window) > 0`, a real threshold), or remove the part.
            """,
        examples: [
            .triggering("""
                abnormal rule busy {
                    count(window) >= 0
                }
                """),
            .triggering("""
                abnormal rule errors {
                    any line in window: line contains "ERROR" or line contains ""
                }
                """),
            .nonTriggering("""
                abnormal rule busy {
                    count(window) >= 20
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        var findings: [LintFinding] = []
        for (rule, syntax) in zip(subject.pack.rules, subject.ruleSyntax) {
            visit(rule.condition, rule: rule, syntax: syntax, subject: subject, isWhole: true, into: &findings)
        }
        return findings
    }

    /// Reports the outermost constant Bool nodes under `e`.
    private func visit(_ e: TypedExpression, rule: CheckedRule, syntax: RuleSyntax, subject: LintSubject, isWhole: Bool,
                       into findings: inout [LintFinding]) {
        if e.type == .bool, case .bool(let value) = subject.analysis.knowledge(of: e, in: rule) {
            let effect = isWhole
                ? (value ? "the rule holds on every window" : "the rule never holds")
                : (value ? "it does nothing under `and` and decides an `or` alone" : "it decides an `and` alone and does nothing under `or`")
            findings.append(LintFinding("this condition is always \(value)", at: e.range, subject: rule.name,
                                        label: "always \(value)", notes: [effect],
                                        help: ["write the bound that was meant, or remove this part"]))
            return
        }
        switch e.kind {
        case .not(let operand):
            visit(operand, rule: rule, syntax: syntax, subject: subject, isWhole: false, into: &findings)
        case .binary(.and, let left, let right), .binary(.or, let left, let right):
            visit(left, rule: rule, syntax: syntax, subject: subject, isWhole: false, into: &findings)
            visit(right, rule: rule, syntax: syntax, subject: subject, isWhole: false, into: &findings)
        case .quantifier(_, _, _, let predicate):
            visit(predicate, rule: rule, syntax: syntax, subject: subject, isWhole: false, into: &findings)
        case .binding(let index) where isWhole:
            visit(rule.bindings[index].value, rule: rule, syntax: syntax, subject: subject, isWhole: true, into: &findings)
        default: break
        }
    }
}

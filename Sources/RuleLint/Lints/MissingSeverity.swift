import RuleLanguage

/// W1402: an abnormal rule without `@severity`.
struct MissingSeverity: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1402"), name: "missing-severity", category: .documentation,
        summary: "an abnormal rule has no `@severity`",
        rationale: """
            Detections carry the severity of the rule that fired; alert routing and `warden detect`'s
            summary read it. Without it every finding of the rule looks the same to the pager. Give
            one of `@severity(info)`, `low`, `medium`, `high` or `critical`.
            """,
        examples: [
            .triggering("""
                /// The kernel's OOM killer ended a process.
                abnormal rule oom {
                    any line in window: line contains "Out of memory"
                }
                """),
            .nonTriggering("""
                /// The kernel's OOM killer ended a process.
                @severity(high)
                abnormal rule oom {
                    any line in window: line contains "Out of memory"
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        zip(subject.pack.rules, subject.ruleSyntax).compactMap { rule, syntax in
            guard rule.kind == .abnormal, rule.severity == nil else { return nil }
            return LintFinding("abnormal rule `\(rule.name)` has no `@severity`", at: syntax.name.range, subject: rule.name,
                               label: "no severity", help: ["add `@severity(high)` (or info, low, medium, critical) above it"])
        }
    }
}

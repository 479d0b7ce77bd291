import RuleLanguage

/// W1403: an abnormal rule without `@domain`.
struct MissingDomain: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1403"), name: "missing-domain", category: .documentation,
        summary: "an abnormal rule has no `@domain`",
        rationale: """
            The failure domain (`memory`, `network`, `storage`, …) groups a rule's findings with FAME's,
            which report a certified domain for every window no rule decides. Without it the rule's
            findings cannot be routed or compared with the fallback's. Give one with `@domain("…")`.
            """,
        examples: [
            .triggering("""
                /// The kernel's OOM killer ended a process.
                @severity(high)
                abnormal rule oom {
                    any line in window: line contains "Out of memory"
                }
                """),
            .nonTriggering("""
                /// The kernel's OOM killer ended a process.
                @severity(high)
                @domain("memory")
                abnormal rule oom {
                    any line in window: line contains "Out of memory"
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        zip(subject.pack.rules, subject.ruleSyntax).compactMap { rule, syntax in
            guard rule.kind == .abnormal, rule.domain == nil else { return nil }
            return LintFinding("abnormal rule `\(rule.name)` has no `@domain`", at: syntax.name.range, subject: rule.name,
                               label: "no domain", help: ["add `@domain(\"memory\")` (or the failure domain it belongs to) above it"])
        }
    }
}

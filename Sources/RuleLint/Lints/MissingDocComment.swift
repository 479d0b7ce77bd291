import RuleLanguage

/// W1401: a rule without a `///` doc comment.
struct MissingDocComment: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1401"), name: "missing-doc-comment", category: .documentation,
        summary: "a rule has no `///` doc comment",
        rationale: """
            The doc comment is what an on-call engineer reads when the rule fires, what `warden bundle
            diff` shows a reviewer, and what the generated Swift documents. Say in one sentence what
            failure the rule catches (or, for a normal rule, what routine it recognises).
            """,
        examples: [
            .triggering("""
                abnormal rule oom {
                    any line in window: line contains "Out of memory"
                }
                """),
            .nonTriggering("""
                /// The kernel's OOM killer ended a process.
                abnormal rule oom {
                    any line in window: line contains "Out of memory"
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        subject.ruleSyntax.compactMap { rule in
            guard rule.doc.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) else { return nil }
            return LintFinding("rule `\(rule.name.name)` has no doc comment", at: rule.name.range, subject: rule.name.name,
                               label: "undocumented", help: ["add `/// What this rule catches.` above it"])
        }
    }
}

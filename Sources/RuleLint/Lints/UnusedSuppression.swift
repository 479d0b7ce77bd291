import RuleLanguage

/// W1903: a suppression directive that silenced no finding.
struct UnusedSuppression: DescribedLint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1903"), name: "unused-suppression", category: .suppression,
        summary: "a suppression comment silences nothing",
        rationale: """
            A directive that no finding needs any more (the rule was fixed, or the code is wrong) stays in
            the pack and would silence a future, real finding of that lint. Remove it.
            """,
        examples: [
            .triggering("""
                /// Any out-of-memory kill.
                // warden-lint: disable W1001 -- the block id is the point
                @severity(high)
                @domain("memory")
                abnormal rule oom {
                    any line in window: line contains "Out of memory"
                }

                test "oom" expect abnormal {
                    "Out of memory"
                }
                """),
            .nonTriggering("""
                /// Any out-of-memory kill.
                @severity(high)
                @domain("memory")
                abnormal rule oom {
                    any line in window: line contains "Out of memory"
                }

                test "oom" expect abnormal {
                    "Out of memory"
                }
                """),
        ])
}

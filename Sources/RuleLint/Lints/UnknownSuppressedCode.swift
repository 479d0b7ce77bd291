import RuleLanguage

/// W1902: a suppression directive that names no lint, or is not a `disable` directive.
struct UnknownSuppressedCode: DescribedLint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1902"), name: "unknown-suppressed-code", category: .suppression,
        summary: "a suppression comment names no lint",
        rationale: """
            A `warden-lint:` comment must read `disable`, then lint codes or names (`W1001`,
            `pinned-identifier`), then `--` and a reason. A misspelt code silences nothing, so the
            finding it was meant for still shows, and this one says why. The directive lints
            (W19xx) cannot be disabled inline. `warden explain --list` lists the codes.
            """,
        examples: [
            .triggering("""
                /// Any out-of-memory kill.
                // warden-lint: disable W9999 -- a typo in the code
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

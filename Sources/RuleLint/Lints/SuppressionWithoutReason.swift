import RuleLanguage

/// W1901: a suppression directive without a reason (the linter reports it; it silences nothing).
struct SuppressionWithoutReason: DescribedLint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1901"), name: "suppression-without-reason", category: .suppression,
        summary: "a suppression comment gives no reason, so it silences nothing",
        rationale: """
            `// warden-lint: disable CODE -- reason` silences a finding for one rule or test (or, before
            the pack header, for the file). The reason after `--` is required: a reviewer must be able to
            tell an accepted risk from a silenced mistake. A directive without one is ignored, and this
            finding says so.
            """,
        examples: [
            .triggering("""
                /// The one disk that keeps failing.
                // warden-lint: disable W1001
                @severity(high)
                @domain("storage")
                abnormal rule bad_disk {
                    any line in window: line contains "blk_-1608999687919862906"
                }
                """),
            .nonTriggering("""
                /// The one disk that keeps failing.
                // warden-lint: disable W1001 -- this one block sits on the disk under investigation
                @severity(high)
                @domain("storage")
                abnormal rule bad_disk {
                    any line in window: line contains "blk_-1608999687919862906"
                }
                """),
        ])
}

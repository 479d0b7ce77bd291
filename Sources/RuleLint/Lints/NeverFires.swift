import RuleLanguage

/// W1601: a rule that holds on no window of the labeled sample.
struct NeverFires: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1601"), name: "never-fires", category: .data,
        summary: "a rule holds on no window of the sample data",
        rationale: """
            Run with `--data`, the linter judges every rule on every window of a labeled sample. A rule
            that never holds there is either aimed at a failure the sample lacks (fine, if a test shows
            what it catches) or wrong: a pinned value, a misspelt message, a format the logs do not use.
            Check its literal against real lines.
            """,
        examples: [
            .triggering("""
                abnormal rule disk_full {
                    any line in window: line contains "No space left on devcie"
                }
                """, sample: [.normal("mounted /data"), .abnormal("write failed: No space left on device")]),
            .nonTriggering("""
                abnormal rule disk_full {
                    any line in window: line contains "No space left on device"
                }
                """, sample: [.normal("mounted /data"), .abnormal("write failed: No space left on device")]),
        ],
        needsData: true)

    func check(_ subject: LintSubject) -> [LintFinding] {
        guard let sample = subject.sample, sample.windows > 0 else { return [] }
        return zip(subject.pack.rules, subject.ruleSyntax).compactMap { rule, syntax in
            guard let firings = sample.rules[rule.name], firings.windows.isEmpty, firings.inconclusive == 0 else { return nil }
            return LintFinding("rule `\(rule.name)` holds on none of the \(sample.windows) windows of \(sample.source)",
                               at: syntax.name.range, subject: rule.name, label: "never fires",
                               help: ["check its texts against real lines of the log"])
        }
    }
}

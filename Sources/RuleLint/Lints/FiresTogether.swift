import RuleLanguage

/// W1603: two rules that hold on exactly the same windows of the sample.
struct FiresTogether: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1603"), name: "fires-together", category: .data,
        summary: "two rules hold on exactly the same windows of the sample",
        rationale: """
            Two rules of one kind that hold on exactly the same windows (two or more) of a labeled sample are, as far
            as the data can tell, one rule written twice: the later never decides a window the earlier
            did not. They often differ only in a literal taken from two lines of one message. Merge
            them, or add sample data or a test on which they differ.
            """,
        examples: [
            .triggering("""
                abnormal rule lost_link {
                    any line in window: line contains "link lost"
                }

                abnormal rule lost_link_retry {
                    any line in window: line contains "retrying link"
                }
                """, sample: [
                    .normal("link up"), .abnormal("link lost", "retrying link"), .abnormal("link lost", "retrying link"),
                ]),
            .nonTriggering("""
                abnormal rule lost_link {
                    any line in window: line contains "link lost"
                }

                abnormal rule flapping {
                    (count line in window where line contains "link up") > 2
                }
                """, sample: [
                    .normal("link up"), .abnormal("link lost", "retrying link"), .abnormal("link up", "link up", "link up"),
                ]),
        ],
        needsData: true)

    func check(_ subject: LintSubject) -> [LintFinding] {
        guard let sample = subject.sample else { return [] }
        var first: [String: (String, RuleSyntax)] = [:]
        var findings: [LintFinding] = []
        for (rule, syntax) in zip(subject.pack.rules, subject.ruleSyntax) {
            // One shared window is a coincidence, not a pattern.
            guard let firings = sample.rules[rule.name], firings.windows.count >= 2 else { continue }
            let key = rule.kind.rawValue + ":" + firings.windows.map(String.init).joined(separator: ",")
            if let (earlier, earlierSyntax) = first[key] {
                findings.append(LintFinding(
                    "rule `\(rule.name)` holds on exactly the \(firings.windows.count) windows `\(earlier)` holds on in \(sample.source)",
                    at: syntax.name.range, subject: rule.name, label: "same windows as `\(earlier)`",
                    secondary: [.init(earlierSyntax.name.range, "holds on the same windows")],
                    help: ["merge the two rules, or show with a test where they differ"]))
            } else {
                first[key] = (rule.name, syntax)
            }
        }
        return findings
    }
}

import RuleLanguage

/// W1102: a rule with the same condition as an earlier rule of its kind.
struct DuplicateRule: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1102"), name: "duplicate-rule", category: .correctness,
        summary: "a rule repeats the condition of an earlier rule",
        rationale: """
            Two rules of one kind with the same condition (up to formatting, parentheses, the order of
            `and`/`or` operands and the names of bindings) decide the same windows; the later one never
            decides anything. A generator that proposes the same rule twice, or a copy-and-paste, makes
            them. Keep one; merge their documentation and tags.
            """,
        examples: [
            .triggering("""
                abnormal rule disk_full {
                    any line in window: line contains "No space left" and line contains "write"
                }

                abnormal rule disk_full_again {
                    let full = "No space left"
                    any l in window: (l contains "write") and (l contains full)
                }
                """),
            .nonTriggering("""
                abnormal rule disk_full {
                    any line in window: line contains "No space left"
                }

                abnormal rule disk_quota {
                    any line in window: line contains "Disk quota exceeded"
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        var findings: [LintFinding] = []
        var first: [String: (CheckedRule, RuleSyntax)] = [:]
        for (rule, syntax) in zip(subject.pack.rules, subject.ruleSyntax) {
            let key = rule.kind.rawValue + ":" + subject.analysis.fingerprint(rule.condition, in: rule)
            if let (earlier, earlierSyntax) = first[key] {
                findings.append(LintFinding("rule `\(rule.name)` has the same condition as `\(earlier.name)`", at: syntax.name.range,
                                            subject: rule.name, label: "duplicate",
                                            secondary: [.init(earlierSyntax.name.range, "`\(earlier.name)` decides these windows first")],
                                            help: ["remove one of the two rules"]))
            } else {
                first[key] = (rule, syntax)
            }
        }
        return findings
    }
}

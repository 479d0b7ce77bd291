import RuleLanguage

/// W1301: a rule that no test of the pack makes hold.
struct UntestedRule: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1301"), name: "untested-rule", category: .testing,
        summary: "no test of the pack makes this rule hold",
        rationale: """
            A pack's `test` blocks are how a reviewer sees what a rule catches, and how `warden test`
            notices when a change breaks it. A rule that holds on none of them is unverified: a typo in
            its literal, a wrong anchor or a wrong threshold would go unnoticed. Add a test with a line
            the rule is meant for.
            """,
        examples: [
            .triggering("""
                abnormal rule oom {
                    any line in window: line contains "Out of memory"
                }

                test "a routine line" expect undecided {
                    "job started"
                }
                """),
            .nonTriggering("""
                abnormal rule oom {
                    any line in window: line contains "Out of memory"
                }

                test "the OOM killer" expect abnormal {
                    "kernel: Out of memory: Killed process 4242"
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        zip(subject.pack.rules, subject.ruleSyntax).compactMap { rule, syntax in
            guard subject.testsHeld[rule.name]?.isEmpty ?? true else { return nil }
            return LintFinding("no test makes rule `\(rule.name)` hold", at: syntax.name.range, subject: rule.name, label: "untested",
                               notes: subject.pack.tests.isEmpty ? ["the pack has no tests"] : ["\(subject.pack.tests.count) test\(subject.pack.tests.count == 1 ? "" : "s") ran; the rule held on none"],
                               help: ["add `test \"…\" expect \(rule.kind.rawValue) { \"a line it is meant for\" }`"])
        }
    }
}

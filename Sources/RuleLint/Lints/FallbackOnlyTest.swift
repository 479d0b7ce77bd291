import RuleLanguage

/// W1302: a test whose expectation is met only by leaving the window to the fallback, with no rule near it.
struct FallbackOnlyTest: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1302"), name: "fallback-only-test", category: .testing,
        summary: "a test passes only because no rule comes near it",
        rationale: """
            A test that expects `undecided` passes when no rule holds, which is what happens to any line
            the pack knows nothing about. It proves something only when its lines are close to a rule:
            they carry a text the rule looks for, and the test shows the rule still stays quiet (a
            negative example). A test whose lines pass none of the pack's line tests proves nothing;
            it would pass with the rules deleted.

            Put a near miss in it, or test for `abnormal` or `normal` instead. The lint stays silent
            when a rule of the pack looks at no line text (a count or a rate), since any window is near it.
            """,
        examples: [
            .triggering("""
                abnormal rule oom {
                    any line in window: line contains "Out of memory"
                }

                test "the OOM killer" expect abnormal {
                    "kernel: Out of memory: Killed process 4242"
                }

                test "quiet" expect undecided {
                    "job started"
                }
                """),
            .nonTriggering("""
                abnormal rule oom {
                    any line in window: line contains "Out of memory" and not (line contains "simulated")
                }

                test "the OOM killer" expect abnormal {
                    "kernel: Out of memory: Killed process 4242"
                }

                test "a drill is not an outage" expect undecided {
                    "drill: simulated Out of memory in container 7"
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        guard !subject.pack.rules.isEmpty, subject.pack.rules.allSatisfy(usesLineTests) else { return [] }
        return zip(subject.pack.tests, subject.testSyntax).compactMap { test, syntax in
            guard test.expected == .undecided, !test.lines.contains(where: subject.passesSomeLineTest) else { return nil }
            return LintFinding("test \"\(test.name)\" passes only because no rule comes near it", at: syntax.name.range,
                               subject: test.name, label: "proves nothing",
                               notes: ["none of its lines passes any `contains`, `startswith`, `endswith` or `matches` of the pack"],
                               help: ["use a near miss: a line with what a rule looks for, which the rule must still ignore"])
        }
    }

    private func usesLineTests(_ rule: CheckedRule) -> Bool {
        var found = false
        for expression in rule.expressions {
            expression.walk { if case .lineTest = $0.kind { found = true } }
        }
        return found
    }
}

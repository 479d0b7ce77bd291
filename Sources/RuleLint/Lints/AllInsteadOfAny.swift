import RuleLanguage

/// W1104: an abnormal rule over `all` lines of the window where the pack's tests show `any` was meant.
struct AllInsteadOfAny: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1104"), name: "all-instead-of-any", category: .correctness,
        summary: "an abnormal rule asks `all` lines of the window where its tests show `any` was meant",
        rationale: """
            `all line in window: P` holds only when every line of the window passes `P`. Real windows
            mix routine lines with the failure, so such an abnormal rule holds only on windows made of
            nothing but the failure: it looks right on a one-line test and misses in production.

            The lint reports it when a test of the pack that expects `abnormal` has lines that pass `P`
            and lines that do not: there `any` would hold and `all` does not. Write `any`, or, if every
            line really must match, add a test that shows it.
            """,
        examples: [
            .triggering("""
                abnormal rule disk_errors {
                    all line in window: line contains "I/O error"
                }

                test "a failing disk among routine lines" expect abnormal {
                    "mounted /data"
                    "sd 0:0:0:0: I/O error, dev sda"
                }
                """),
            .nonTriggering("""
                abnormal rule disk_errors {
                    any line in window: line contains "I/O error"
                }

                test "a failing disk among routine lines" expect abnormal {
                    "mounted /data"
                    "sd 0:0:0:0: I/O error, dev sda"
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        var findings: [LintFinding] = []
        for rule in subject.pack.rules where rule.kind == .abnormal {
            let condition = subject.analysis.resolved(rule.condition, in: rule)
            guard case .quantifier(.all, _, let source, _) = condition.kind, case .window = source.kind else { continue }
            for test in subject.pack.tests where test.expected == .abnormal && test.lines.count > 1 {
                guard subject.holds(rule, on: test.lines) == false else { continue }
                let passing = test.lines.filter { subject.holds(rule, on: [$0]) == true }.count
                guard passing > 0 && passing < test.lines.count else { continue }
                findings.append(LintFinding(
                    "`all` needs every line of the window to match, but test \"\(test.name)\" expects abnormal with \(passing) of \(test.lines.count) lines matching",
                    at: condition.range, subject: rule.name, label: "holds only if every line matches",
                    secondary: [.init(test.range, "`any` would hold here")],
                    notes: ["windows mix routine lines with failures, so this rule misses them"],
                    help: ["write `any line in window: …`"]))
                break
            }
        }
        return findings
    }
}

import RuleLanguage

/// W1105: a normal rule that holds on the lines an abnormal rule fires on.
struct NormalSwallowsAbnormal: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1105"), name: "normal-swallows-abnormal", category: .correctness,
        summary: "a normal rule is broad enough to swallow the lines an abnormal rule targets",
        rationale: """
            Normal rules are tried first, and a window a normal rule holds on is normal whatever else it
            holds. A normal rule that also holds on the very lines an abnormal rule fires on (its
            evidence in the pack's tests) hides that failure whenever the two meet in one window. A
            whitelist written as "any line mentions the daemon" is the usual cause.

            The lint judges each normal rule on the evidence lines of every abnormal rule's tests. Narrow
            the normal rule (`all` instead of `any`, a more specific text) so that it cannot hold on a
            failure. Normal rules about the window's shape alone (a count, a time span) are left out:
            the evidence lines on their own say nothing about them.

            `warden synthesize` learns a pack as one decision list, each abnormal rule on the windows
            the normal rules leave, so an abnormal rule's lines may be normal on their own (a routine
            message whose number is out of range). It keeps a normal rule this lint flags only when
            the pack does better with it on the windows it learned from, and suppresses the finding
            there with that reason; otherwise it leaves the normal rule out.
            """,
        examples: [
            .triggering("""
                normal rule daemon_chatter {
                    any line in window: line matches /^ciod: \\w+/
                }

                abnormal rule ciod_link_lost {
                    any line in window: line matches /ciod: (Error reading|failed to read) message prefix/
                }

                test "link lost" expect normal {
                    "ciod: failed to read message prefix on control stream"
                }
                """),
            .nonTriggering("""
                normal rule daemon_chatter {
                    all line in window: line contains "ciod: generated"
                }

                abnormal rule ciod_link_lost {
                    any line in window: line matches /ciod: (Error reading|failed to read) message prefix/
                }

                test "link lost" expect abnormal {
                    "ciod: failed to read message prefix on control stream"
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        // Only normal rules about line text: one about the window's shape (`span(window) < 10m`) says nothing about lines.
        let normal = zip(subject.pack.rules, subject.ruleSyntax).filter { $0.0.kind == .normal && $0.0.usesLineTests }
        var findings: [LintFinding] = []
        var reported: Set<String> = []
        for (abnormal, abnormalSyntax) in zip(subject.pack.rules, subject.ruleSyntax) where abnormal.kind == .abnormal {
            for testIndex in subject.testsHeld[abnormal.name] ?? [] {
                let test = subject.pack.tests[testIndex]
                let evidence = subject.evidence(abnormal, on: test.lines).map { test.lines[$0] }
                guard !evidence.isEmpty else { continue }
                for (rule, syntax) in normal where !reported.contains(rule.name + "/" + abnormal.name) {
                    // A normal rule the abnormal rule implies is reported as shadowing (W1103).
                    guard subject.holds(rule, on: evidence) == true,
                          !subject.analysis.implies(abnormal.condition, in: abnormal, rule.condition, in: rule) else { continue }
                    reported.insert(rule.name + "/" + abnormal.name)
                    findings.append(LintFinding(
                        "normal rule `\(rule.name)` holds on the lines abnormal rule `\(abnormal.name)` fires on",
                        at: syntax.name.range, subject: rule.name, label: "swallows `\(abnormal.name)`",
                        secondary: [.init(abnormalSyntax.name.range, "fires on these lines"), .init(test.range, "in this test")],
                        notes: ["a window holding both is judged normal: the failure is hidden"],
                        help: ["narrow `\(rule.name)` so it cannot hold on a failure"]))
                }
            }
        }
        return findings
    }
}

import RuleLanguage

/// W1103: a rule that never decides a window because a rule tried before it holds whenever it does.
struct ShadowedRule: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1103"), name: "shadowed-rule", category: .correctness,
        summary: "a rule never decides a window: a rule tried before it always holds when it does",
        rationale: """
            The engine tries normal rules first, then abnormal rules, each in pack order, and the first
            rule that holds decides the window. A rule whose condition implies the condition of a rule
            tried earlier never decides anything. When the earlier rule is a normal rule and the later an
            abnormal one, the abnormal rule can never fire at all.

            The linter proves implication from the typed conditions: an `and` with more parts, an `or`
            with fewer, a `contains` of a longer text, a tighter threshold (`count(...) > 10` implies
            `count(...) > 5`), through `any` and `all`. Narrow the earlier rule, or remove the later one.
            """,
        examples: [
            .triggering("""
                normal rule heartbeats {
                    any line in window: line contains "heartbeat"
                }

                abnormal rule heartbeat_lost {
                    any line in window: line contains "heartbeat lost"
                }
                """),
            .triggering("""
                abnormal rule many_errors {
                    (count line in window where line contains "ERROR") > 5
                }

                abnormal rule very_many_errors {
                    (count line in window where line contains "ERROR") > 50
                }
                """),
            .nonTriggering("""
                normal rule heartbeats {
                    all line in window: line contains "heartbeat ok"
                }

                abnormal rule heartbeat_lost {
                    any line in window: line contains "heartbeat lost"
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        let analysis = subject.analysis
        let order = subject.rulesInEngineOrder
        var findings: [LintFinding] = []
        for (position, (rule, syntax)) in order.enumerated() {
            if case .bool = analysis.knowledge(of: rule.condition, in: rule) { continue }
            let fingerprints = subject.conditionFingerprints
            for (earlier, earlierSyntax) in order[..<position] {
                let same = fingerprints[earlier.name] == fingerprints[rule.name]
                // The same condition in the same kind is a duplicate (W1102).
                if earlier.kind == rule.kind && same { continue }
                guard same || analysis.implies(rule.condition, in: rule, earlier.condition, in: earlier, compareWhole: false) else { continue }
                let effect = earlier.kind != rule.kind
                    ? "normal rules are tried first, so `\(rule.name)` never fires"
                    : "`\(earlier.name)` is tried first, so `\(rule.name)` never decides a window"
                findings.append(LintFinding("whenever `\(rule.name)` holds, `\(earlier.name)` holds too", at: syntax.name.range,
                                            subject: rule.name, label: "shadowed",
                                            secondary: [.init(earlierSyntax.name.range, "this rule decides those windows")],
                                            notes: [effect], help: ["narrow `\(earlier.name)`, or remove `\(rule.name)`"]))
                break
            }
        }
        return findings
    }
}

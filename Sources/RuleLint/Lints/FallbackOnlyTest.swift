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
            negative example). When every rule of the pack can hold only on a window with a line that
            passes one of its line tests (`any` or `all line …: line contains …`, a count of such lines
            above zero), a test whose lines pass none of those tests proves nothing: it would pass with the
            rules deleted.

            Put a near miss in it, or test for `abnormal` or `normal` instead. The lint stays silent
            when some rule can hold without such a line (a window size, a rate, an absence), since any
            window can then be near it.
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
        guard !subject.pack.rules.isEmpty,
              subject.pack.rules.allSatisfy({ needsMatchingLine($0.condition, in: $0, subject.analysis) }) else { return [] }
        return zip(subject.pack.tests, subject.testSyntax).compactMap { test, syntax in
            guard test.expected == .undecided, !test.lines.contains(where: subject.passesSomeLineTest) else { return nil }
            return LintFinding("test \"\(test.name)\" passes only because no rule comes near it", at: syntax.name.range,
                               subject: test.name, label: "proves nothing",
                               notes: ["none of its lines passes any `contains`, `startswith`, `endswith` or `matches` of the pack"],
                               help: ["use a near miss: a line with what a rule looks for, which the rule must still ignore"])
        }
    }

    /// Whether `e` can hold only on a window where some line passes a line test of the pack.
    private func needsMatchingLine(_ e: TypedExpression, in rule: CheckedRule, _ analysis: ConditionAnalysis) -> Bool {
        let e = analysis.resolved(e, in: rule)
        switch e.kind {
        case .quantifier(let quantifier, _, let source, let predicate) where quantifier == .any || quantifier == .all:
            // A test's window is never empty, so `all` too needs one line that passes.
            guard case .window = analysis.resolved(source, in: rule).kind else { return false }
            return needsPassingLineTest(predicate, in: rule, analysis)
        case .binary(.and, let left, let right):
            return needsMatchingLine(left, in: rule, analysis) || needsMatchingLine(right, in: rule, analysis)
        case .binary(.or, let left, let right):
            return needsMatchingLine(left, in: rule, analysis) && needsMatchingLine(right, in: rule, analysis)
        case .binary(let op, let left, let right) where op == .greater || op == .greaterEqual:
            guard case .quantifier(.count, _, let source, let predicate) = analysis.resolved(left, in: rule).kind,
                  case .window = analysis.resolved(source, in: rule).kind,
                  case .integer(let bound) = analysis.knowledge(of: right, in: rule),
                  bound.lowerBound >= (op == .greater ? 0 : 1) else { return false }
            return needsPassingLineTest(predicate, in: rule, analysis)
        default:
            return false
        }
    }

    /// Whether a line predicate can hold only when one of its line tests passes.
    private func needsPassingLineTest(_ e: TypedExpression, in rule: CheckedRule, _ analysis: ConditionAnalysis) -> Bool {
        let e = analysis.resolved(e, in: rule)
        switch e.kind {
        case .lineTest: return true
        // A list of regexes: each is one of the pack's line tests too.
        case .binary(.matches, _, let right) where right.type == .list(.regex): return true
        case .binary(.and, let left, let right):
            return needsPassingLineTest(left, in: rule, analysis) || needsPassingLineTest(right, in: rule, analysis)
        case .binary(.or, let left, let right):
            return needsPassingLineTest(left, in: rule, analysis) && needsPassingLineTest(right, in: rule, analysis)
        default: return false
        }
    }
}

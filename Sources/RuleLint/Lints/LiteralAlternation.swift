import RuleLanguage

/// W1501: a regex that is an alternation of plain literals.
struct LiteralAlternation: Lint {
    static let descriptor = LintDescriptor(
        code: DiagnosticCode("W1501"), name: "literal-alternation", category: .performance,
        summary: "a per-line regex is an alternation of plain texts that literal tests would find faster",
        rationale: """
            `line matches /ERROR|FATAL|PANIC/` runs a regex on every line. Written as `contains` tests
            joined by `or`, each text becomes a literal line test that the pack's rules share and a
            multi-pattern prefilter can find in one pass, and the regex engine never starts. The
            fix-it rewrites it.
            """,
        examples: [
            .triggering("""
                abnormal rule severe {
                    any line in window: line matches /FATAL|PANIC/
                }
                """, fixed: """
                abnormal rule severe {
                    any line in window: line contains "FATAL" or line contains "PANIC"
                }
                """),
            .nonTriggering("""
                abnormal rule severe {
                    any line in window: line matches /\\b(FATAL|PANIC)\\b/
                }
                """),
        ])

    func check(_ subject: LintSubject) -> [LintFinding] {
        var findings: [LintFinding] = []
        for rule in subject.ruleSyntax {
            rule.walk { node in
                guard case .binary(.matches, let left, let right) = node.kind, case .regex(let literal) = right.kind,
                      literal.flags.isEmpty || literal.flags == "s",
                      let literals = RegexShape(pattern: literal.pattern, flags: literal.flags)?.literalAlternatives else { return }
                let operand = Formatter().expression(left)
                let tests = literals.map { operand + " contains " + SyntaxText.string(String(decoding: $0, as: UTF8.self)) }
                let replacement = "(" + tests.joined(separator: " or ") + ")"
                findings.append(LintFinding("this regex is \(literals.count) plain texts: literal tests find them without a regex",
                                            at: right.range, subject: rule.name.name, label: "alternation of literals",
                                            fixIt: .init("test each text with `contains`", edits: [.init(range: node.range, replacement: replacement)])))
            }
        }
        return findings
    }
}
